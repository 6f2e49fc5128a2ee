#include "listen_addr.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int vp_listen_parse(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen) {
  char host[64];
  const char *colon;
  size_t hlen;
  char *end;
  long port;

  if (s[0] == '[') {
    colon = strstr(s, "]:");
    hlen = colon != NULL ? (size_t)(colon - s - 1) : 0;
    s++;
    colon = colon != NULL ? colon + 1 : NULL;
  } else {
    colon = strrchr(s, ':');
    hlen = colon != NULL ? (size_t)(colon - s) : 0;
  }
  if (colon == NULL || hlen == 0 || hlen >= sizeof(host)) {
    snprintf(err, errlen, "listen \"%s\" is not host:port", s);
    return -1;
  }
  memcpy(host, s, hlen);
  host[hlen] = '\0';
  errno = 0;
  port = strtol(colon + 1, &end, 10);
  if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535 || errno != 0) {
    snprintf(err, errlen, "listen: bad port \"%s\"", colon + 1);
    return -1;
  }
  memset(ss, 0, sizeof(*ss));
  if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)ss) == 0 ||
      uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)ss) == 0)
    return 0;
  snprintf(err, errlen, "listen: \"%s\" is not an IP address (names are not resolved)", host);
  return -1;
}

int vp_listen_open(const struct sockaddr_storage *ss, int backlog) {
  socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                            : sizeof(struct sockaddr_in);
  int one = 1, fd, e;

  fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (ss->ss_family == AF_INET6)
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, backlog) != 0) {
    e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

void vp_listen_name(const uv_tcp_t *tcp, char *out, size_t cap) {
  struct sockaddr_storage ss;
  int len = sizeof(ss);
  char ip[INET6_ADDRSTRLEN] = "?";

  snprintf(out, cap, "?");
  if (uv_tcp_getsockname(tcp, (struct sockaddr *)&ss, &len) != 0)
    return;
  if (ss.ss_family == AF_INET6) {
    uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof(ip));
    snprintf(out, cap, "[%s]:%d", ip, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
  } else {
    uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof(ip));
    snprintf(out, cap, "%s:%d", ip, ntohs(((struct sockaddr_in *)&ss)->sin_port));
  }
}
