/*
 * bench_server.c - an OpenAI-compatible chat completions server for the
 * engine benchmark (bench_engine.sh), in C so that it is never what caps the
 * figures: one thread, epoll, keep-alive, a fixed answer after a fixed
 * latency.  Test traffic only: it listens on 127.0.0.1.
 *
 *   bench_server PORTFILE LATENCY_MS [MAX_SECONDS]
 *
 * Writes the port it listens on to PORTFILE (atomically, once listening).
 * Every POST is answered 200 with the same chat.completion; anything else
 * 404.  The answers are due LATENCY_MS after their request was read whole;
 * since the latency is fixed, they fall due in the order the requests came,
 * so a FIFO is the timer.  Stops on SIGTERM, SIGINT or after MAX_SECONDS
 * (default 600).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char body[] =
	"{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
	"\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
	"\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,"
	"\"completion_tokens\":1,\"total_tokens\":11}}";

struct conn {
	int fd;
	char *buf;
	size_t len, cap;
	int waiting; /* answers queued for it, not yet written */
	int closed;  /* the peer closed: freed when nothing waits */
};

struct due {
	double at; /* ms, monotonic */
	struct conn *c;
	int ok; /* 200, else 404 */
};

static struct due *queue;
static size_t qhead, qtail, qcap;
static volatile sig_atomic_t stop;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void push(struct conn *c, double at, int ok)
{
	if (qtail == qcap) { /* compact, then grow */
		if (qhead) {
			memmove(queue, queue + qhead, (qtail - qhead) * sizeof(*queue));
			qtail -= qhead;
			qhead = 0;
		}
		if (qtail == qcap) {
			qcap = qcap ? 2 * qcap : 1024;
			if (!(queue = realloc(queue, qcap * sizeof(*queue)))) {
				perror("bench_server");
				exit(1);
			}
		}
	}
	queue[qtail++] = (struct due){at, c, ok};
	c->waiting++;
}

static void drop(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->closed = 1;
	if (!c->waiting) {
		free(c->buf);
		free(c);
	}
}

static void answer(struct conn *c, int ok)
{
	char head[256];
	int n = ok ? snprintf(head, sizeof(head),
			      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			      "Content-Length: %zu\r\n\r\n",
			      sizeof(body) - 1)
		   : snprintf(head, sizeof(head),
			      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	char out[1024];
	size_t len = (size_t)n;
	memcpy(out, head, len);
	if (ok) {
		memcpy(out + len, body, sizeof(body) - 1);
		len += sizeof(body) - 1;
	}
	size_t off = 0;
	while (off < len) { /* small: the socket buffer takes it, or the peer is gone */
		ssize_t w = send(c->fd, out + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

/* The whole requests in c's buffer, each queued for its answer. */
static void parse(struct conn *c, double latency)
{
	for (;;) {
		char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
		if (!end)
			return;
		size_t head = (size_t)(end - c->buf) + 4, clen = 0;
		for (char *p = c->buf; p < end; p++) {
			if ((p == c->buf || p[-1] == '\n') && !strncasecmp(p, "content-length:", 15)) {
				clen = strtoul(p + 15, NULL, 10);
				break;
			}
		}
		if (c->len < head + clen)
			return;
		int ok = !strncmp(c->buf, "POST ", 5);
		push(c, now_ms() + latency, ok);
		memmove(c->buf, c->buf + head + clen, c->len - head - clen);
		c->len -= head + clen;
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_server PORTFILE LATENCY_MS [MAX_SECONDS]\n");
		return 2;
	}
	double latency = atof(argv[2]), deadline = now_ms() + 1e3 * (argc > 3 ? atof(argv[3]) : 600);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 4096) ||
	    getsockname(ls, (struct sockaddr *)&a, &alen)) {
		perror("bench_server");
		return 1;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *pf = fopen(tmp, "w");
	if (!pf || fprintf(pf, "%d\n", ntohs(a.sin_port)) < 0 || fclose(pf) || rename(tmp, argv[1])) {
		perror("bench_server: port file");
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	struct epoll_event evs[256];
	while (!stop && now_ms() < deadline) {
		int timeout = 1000;
		if (qhead < qtail) {
			double wait = queue[qhead].at - now_ms();
			timeout = wait <= 0 ? 0 : (int)wait + 1;
		}
		int n = epoll_wait(ep, evs, 256, timeout);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) { /* new connections */
				int fd;
				while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					struct conn *nc = calloc(1, sizeof(*nc));
					if (!nc) {
						close(fd);
						continue;
					}
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					nc->fd = fd;
					struct epoll_event ce = {.events = EPOLLIN, .data.ptr = nc};
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
				}
				continue;
			}
			for (;;) {
				if (c->cap - c->len < 65536) {
					c->cap = c->cap ? 2 * c->cap : 131072;
					if (!(c->buf = realloc(c->buf, c->cap))) {
						perror("bench_server");
						return 1;
					}
				}
				ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
				if (r > 0) {
					c->len += (size_t)r;
					continue;
				}
				if (r < 0 && (errno == EAGAIN || errno == EINTR))
					break;
				drop(ep, c); /* closed or failed */
				c = NULL;
				break;
			}
			if (c)
				parse(c, latency);
		}
		for (double t = now_ms(); qhead < qtail && queue[qhead].at <= t; qhead++) {
			struct conn *c = queue[qhead].c;
			c->waiting--;
			if (!c->closed)
				answer(c, queue[qhead].ok);
			else if (!c->waiting) {
				free(c->buf);
				free(c);
			}
		}
	}
	return 0;
}
