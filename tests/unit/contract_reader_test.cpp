// The contract reader: what a mock backend's JSON body says about the session.
#include "contract/contract_reader.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

ResponseFacts read_body(const std::string& body) {
  ContractReader reader;
  ResponseView view;
  view.status = 200;
  view.body = body;
  ResponseFacts facts;
  reader.read(view, facts);
  return facts;
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

}  // namespace
}  // namespace sc
