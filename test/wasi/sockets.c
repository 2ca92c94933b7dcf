// sock_* on a socket preopened with --tcplisten (fd 3): accept one
// connection, receive a line, answer "pong", shut down writing; then the
// errors: bad `how`, and sockets calls on a descriptor that is not a socket.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

int main(void) {
  __wasi_fd_t conn;
  __wasi_errno_t e = __wasi_sock_accept(3, 0, &conn);
  if (e) {
    printf("accept errno %d\n", e);
    return 1;
  }
  char buf[64] = {0};
  __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf - 1};
  __wasi_size_t got = 0;
  __wasi_roflags_t ro = 0;
  e = __wasi_sock_recv(conn, &iov, 1, 0, &got, &ro);
  printf("recv errno %d: %s", e, buf);
  const char reply[] = "pong\n";
  __wasi_ciovec_t out = {(const uint8_t*)reply, 5};
  __wasi_size_t sent = 0;
  e = __wasi_sock_send(conn, &out, 1, 0, &sent);
  printf("send errno %d sent %u\n", e, (unsigned)sent);
  printf("shutdown wr %d\n", __wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR));
  printf("shutdown how=0 %d (inval %d)\n", __wasi_sock_shutdown(conn, 0), __WASI_ERRNO_INVAL);
  printf("shutdown stdout %d (notsock %d)\n", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR),
         __WASI_ERRNO_NOTSOCK);
  printf("accept on stdout %d\n", __wasi_sock_accept(1, 0, &conn));
  printf("accept on a closed fd %d (badf %d)\n", __wasi_sock_accept(99, 0, &conn),
         __WASI_ERRNO_BADF);
  return 0;
}
