// The contract reader: what a mock backend's JSON body says about the session.
#include "contract/contract_reader.hpp"

#include <gtest/gtest.h>

#include "contract/backend_contract.hpp"
#include "util/text.hpp"

namespace sc {
namespace {

ResponseFacts read_body(const std::string& body, std::string watch_cookie = {}) {
  ContractReader reader(std::move(watch_cookie));
  ResponseView view;
  view.status = 200;
  view.body = body;
  ResponseFacts facts;
  reader.read(view, facts);
  return facts;
}

// The identity header as clients keep header names (lower case) is the same header.
TEST(ContractReader, BackendHeaderInLowerCaseIsTheSameHeader) {
  EXPECT_EQ(to_lower(contract::kBackendHeader), contract::kBackendHeaderLower);
  ContractReader reader;
  EXPECT_TRUE(reader.wants_header(contract::kBackendHeaderLower));
}

TEST(ContractReader, ExpiredSessionIsReadApartFromALoss) {
  auto facts = read_body(
      R"({"session_id":"abc","session_new":true,"session_lost":false,"session_expired":true})");
  EXPECT_TRUE(facts.session_expired);
  EXPECT_FALSE(facts.session_lost);
  EXPECT_TRUE(facts.session_new);
  EXPECT_EQ(facts.session_id, "abc");
}

TEST(ContractReader, BodyWithoutTheExpiredFieldIsNotExpired) {
  auto facts = read_body(R"({"session_id":"abc","session_new":true,"session_lost":true})");
  EXPECT_FALSE(facts.session_expired);
  EXPECT_TRUE(facts.session_lost);
}

TEST(ContractReader, WatchedCookieIsTheFirstEchoOfThatName) {
  auto facts = read_body(R"({"cookies":[{"name":"other","value":"x"},)"
                         R"({"name":"ROUTEID","value":".www1"},{"name":"ROUTEID","value":".www2"}],)"
                         R"("session_id":"s"})",
                         "ROUTEID");
  EXPECT_EQ(facts.sticky_value, ".www1");
  EXPECT_EQ(facts.session_id, "s");
}

TEST(ContractReader, FieldsInsideNestedValuesAreNotTheSessions) {
  auto facts = read_body(
      R"({"extra":{"session_id":"inner","session_new":true,"cookies":[{"name":"R","value":"in"}]},)"
      R"("list":[{"session_lost":true}],"session_id":"outer"})",
      "R");
  EXPECT_EQ(facts.session_id, "outer");
  EXPECT_FALSE(facts.session_new);
  EXPECT_FALSE(facts.session_lost);
  EXPECT_EQ(facts.sticky_value, "");
}

TEST(ContractReader, ALaterDuplicateKeyReplacesTheEarlierValue) {
  auto facts = read_body(R"({"session_id":"first","session_new":true,"session_id":7,)"
                         R"("session_new":false})");
  EXPECT_EQ(facts.session_id, "");
  EXPECT_FALSE(facts.session_new);
}

TEST(ContractReader, ValuesOfTheWrongTypeAreIgnored) {
  auto facts = read_body(R"({"session_id":12,"session_new":"yes","session_lost":1})");
  EXPECT_EQ(facts.session_id, "");
  EXPECT_FALSE(facts.session_new);
  EXPECT_FALSE(facts.session_lost);
}

TEST(ContractReader, AnInvalidBodySetsNothing) {
  auto facts = read_body(R"({"session_id":"abc","session_new":true,"cookies":[)", "R");
  EXPECT_EQ(facts.session_id, "");
  EXPECT_FALSE(facts.session_new);
}

TEST(ContractReader, ABodyThatIsNotAnObjectSetsNothing) {
  EXPECT_EQ(read_body("b1\n").session_id, "");
  EXPECT_EQ(read_body(R"(["session_id","x"])").session_id, "");
  EXPECT_EQ(read_body("").session_id, "");
  EXPECT_EQ(read_body(" \n {\"session_id\":\"ws\"}").session_id, "ws");
}

}  // namespace
}  // namespace sc
