// The one translation unit that compiles Boost.Asio's and Beast's non-template code
// (BOOST_ASIO_SEPARATE_COMPILATION, BOOST_BEAST_SEPARATE_COMPILATION, set for every target in
// CMakeLists.txt). Without them every file that includes Asio or Beast compiled the scheduler,
// the reactor, socket operations and the HTTP parser again: 5 of http_server.cpp's 16 s.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
