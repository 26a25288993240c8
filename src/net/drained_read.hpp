#pragma once
// async_read_drained: a socket read that, once a read has emptied the socket, waits for the
// socket's next edge without a system call.
//
// Why: Asio's epoll reactor starts every read by trying the socket. Right after an answer the
// next request is never there yet, so that try is a recv() failing with EAGAIN: one system call
// per request that nginx and HAProxy do not make (they know when a read emptied the socket and
// wait for the next edge). Asio keeps that knowledge (a descriptor's try_speculative_ flag,
// cleared when a read reports the socket exhausted) but sets it only at the end of the stream.
// This read is Asio's own receive operation, started through Asio's own reactor, except that
// it reports the socket exhausted when the kernel says nothing is left to read: TCP_INQ (Linux
// 4.18) gives, with each read, the bytes still queued, and counts a received FIN as one, so a
// peer that closed right after its last bytes is never waited for. The reactor then queues the
// next read without trying the socket; any new bytes set the flag again through the edge they
// raise (epoll_reactor::descriptor_state::perform_io), so no edge is missed. A socket without
// TCP_INQ (enable_drained_reads not called, or refused) reads exactly as Asio's own read does.
// The operation uses Asio's detail interface, which is Boost 1.81's (Debian bookworm's): on any
// other version or reactor it is the plain async_read_some.
//
// The driver reads with it (it replaced an async_wait, whose epoll_ctl per response cost more).
// The servers do not: there recvmsg with its control message costs about what the failed
// recv it saves did (docs/speed.md: mock backend +1%, balancer -2.5% per CPU-second).
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <boost/version.hpp>
#include <utility>

#if BOOST_VERSION == 108100 && defined(BOOST_ASIO_HAS_EPOLL) && \
    !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT) && !defined(BOOST_ASIO_DISABLE_EPOLL)
#define SC_DRAINED_READ 1
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/detail/bind_handler.hpp>
#include <boost/asio/detail/fenced_block.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_cont_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/memory.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <cerrno>
#include <cstring>
#endif

namespace sc::net {

#ifdef SC_DRAINED_READ
namespace drained_detail {

namespace ad = boost::asio::detail;

// Asio's reactive_socket_recv_op for one buffer, but for the status of a read that left
// nothing in the socket.
template <class Handler, class IoExecutor>
class DrainedRecvOp : public ad::reactor_op {
 public:
  BOOST_ASIO_DEFINE_HANDLER_PTR(DrainedRecvOp);

  DrainedRecvOp(ad::socket_type socket, boost::asio::mutable_buffer buffer, Handler& handler,
                const IoExecutor& io_ex)
      : ad::reactor_op(boost::system::error_code(), &DrainedRecvOp::do_perform,
                       &DrainedRecvOp::do_complete),
        socket_(socket),
        buffer_(buffer),
        handler_(std::move(handler)),
        work_(handler_, io_ex) {}

  static status do_perform(ad::reactor_op* base) {
    auto* o = static_cast<DrainedRecvOp*>(base);
    iovec piece{o->buffer_.data(), o->buffer_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    for (;;) {
      msghdr msg{};
      msg.msg_iov = &piece;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      const ssize_t n = ::recvmsg(o->socket_, &msg, MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return not_done;
      o->bytes_transferred_ = n > 0 ? static_cast<std::size_t>(n) : 0;
      if (n < 0) {
        o->ec_ = boost::system::error_code(errno, boost::asio::error::get_system_category());
        return done_and_exhausted;  // as Asio's: a read that brought nothing
      }
      if (n == 0) {
        o->ec_ = boost::asio::error::eof;
        return done_and_exhausted;
      }
      o->ec_ = boost::system::error_code();
      return queued_after(msg) == 0 ? done_and_exhausted : done;
    }
  }

  // The bytes left in the socket after this read (a received FIN counts as one), or -1 when
  // the kernel did not say (TCP_INQ off).
  static int queued_after(msghdr& msg) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ &&
          c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        int inq = -1;
        std::memcpy(&inq, CMSG_DATA(c), sizeof(inq));
        return inq;
      }
    return -1;
  }

  static void do_complete(void* owner, ad::operation* base, const boost::system::error_code&,
                          std::size_t) {
    auto* o = static_cast<DrainedRecvOp*>(base);
    ptr p = {boost::asio::detail::addressof(o->handler_), o, o};
    ad::handler_work<Handler, IoExecutor> w(std::move(o->work_));
    // The handler is moved out before the operation's memory is freed, as Asio's own do.
    ad::binder2<Handler, boost::system::error_code, std::size_t> handler(o->handler_, o->ec_,
                                                                         o->bytes_transferred_);
    p.h = boost::asio::detail::addressof(handler.handler_);
    p.reset();
    if (owner) {
      ad::fenced_block b(ad::fenced_block::half);
      w.complete(handler, handler.handler_);
    }
  }

 private:
  ad::socket_type socket_;
  boost::asio::mutable_buffer buffer_;
  Handler handler_;
  ad::handler_work<Handler, IoExecutor> work_;
};

// Cancels the operation as Asio's own receive is cancelled (reactive_socket_service_base's
// reactor_op_cancellation, which is not public).
class Cancellation {
 public:
  Cancellation(ad::reactor* r, ad::reactor::per_descriptor_data* data, int descriptor)
      : reactor_(r), data_(data), descriptor_(descriptor) {}
  void operator()(boost::asio::cancellation_type_t type) {
    using boost::asio::cancellation_type;
    if (!!(type &
           (cancellation_type::terminal | cancellation_type::partial | cancellation_type::total)))
      reactor_->cancel_ops_by_key(descriptor_, *data_, ad::reactor::read_op, this);
  }

 private:
  ad::reactor* reactor_;
  ad::reactor::per_descriptor_data* data_;
  int descriptor_;
};

// The socket's reactor state, which basic_socket keeps protected.
template <class Protocol, class Executor>
struct SocketAccess : boost::asio::basic_socket<Protocol, Executor> {
  static auto& implementation(boost::asio::basic_socket<Protocol, Executor>& s) {
    return (s.*(&SocketAccess::impl_)).get_implementation();
  }
};

template <class Protocol, class Executor, class Handler>
void start(boost::asio::basic_stream_socket<Protocol, Executor>& socket,
           boost::asio::mutable_buffer buffer, Handler handler) {
  auto& impl = SocketAccess<Protocol, Executor>::implementation(socket);
  boost::system::error_code ec;
  if (buffer.size() == 0 ||
      (!(impl.state_ & ad::socket_ops::non_blocking) &&
       !ad::socket_ops::set_internal_non_blocking(impl.socket_, impl.state_, true, ec))) {
    socket.async_read_some(buffer, std::move(handler));
    return;
  }
  auto& context = boost::asio::query(socket.get_executor(), boost::asio::execution::context);
  auto& reactor = boost::asio::use_service<ad::reactor>(context);
  const bool is_continuation = boost_asio_handler_cont_helpers::is_continuation(handler);
  auto slot = boost::asio::get_associated_cancellation_slot(handler);
  using Op = DrainedRecvOp<Handler, Executor>;
  typename Op::ptr p = {boost::asio::detail::addressof(handler), Op::ptr::allocate(handler), 0};
  p.p = new (p.v) Op(impl.socket_, buffer, handler, socket.get_executor());
  if (slot.is_connected())
    p.p->cancellation_key_ =
        &slot.template emplace<Cancellation>(&reactor, &impl.reactor_data_, impl.socket_);
  reactor.start_op(ad::reactor::read_op, impl.socket_, impl.reactor_data_, p.p, is_continuation,
                   true);
  p.v = p.p = 0;
}

}  // namespace drained_detail
#endif

// Asks the kernel to tell each read what is left in the socket (TCP_INQ), which lets reads of
// this socket skip the failed try before a wait. Best effort: refused, reads are Asio's own.
template <class Protocol, class Executor>
void enable_drained_reads(boost::asio::basic_stream_socket<Protocol, Executor>& socket) {
#ifdef SC_DRAINED_READ
  const int on = 1;
  ::setsockopt(socket.native_handle(), SOL_TCP, TCP_INQ, &on, sizeof(on));
#else
  (void)socket;
#endif
}

// Reads some bytes into `buffer` as socket.async_read_some(buffer, token) does; see the top of
// this file.
template <class Protocol, class Executor, class Token>
auto async_read_drained(boost::asio::basic_stream_socket<Protocol, Executor>& socket,
                        boost::asio::mutable_buffer buffer, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
      [](auto handler, boost::asio::basic_stream_socket<Protocol, Executor>* s,
         boost::asio::mutable_buffer b) {
#ifdef SC_DRAINED_READ
        drained_detail::start(*s, b, std::move(handler));
#else
        s->async_read_some(b, std::move(handler));
#endif
      },
      token, &socket, buffer);
}

}  // namespace sc::net
