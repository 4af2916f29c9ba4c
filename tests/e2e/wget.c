// The end-to-end HTTP client ("wget-style, ours"): fetches one URL with
// HTTP/1.0 GET and prints what the e2e driver compares with the file it
// served: "wget: status CODE bytes N fnv1a64 HEX". Also prints the
// resolver configuration the unikernel generated ("wget: nameserver X").
//
// Usage: wget http://HOST[:PORT]/PATH   (HOST: a dotted IPv4 address or a
// name getaddrinfo resolves). Exit status 0 on HTTP 200 with a body that
// matches Content-Length (when given), else 1.
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show_resolv_conf(void)
{
	FILE *f = fopen("/etc/resolv.conf", "r");
	char line[256];
	if (!f) {
		printf("wget: no /etc/resolv.conf\n");
		return;
	}
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "nameserver", 10) == 0)
			printf("wget: %s", line);
	fclose(f);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 || strncmp(argv[1], "http://", 7) != 0) {
		printf("usage: wget http://HOST[:PORT]/PATH\n");
		return 2;
	}
	show_resolv_conf();
	char host[256], port[16] = "80";
	const char *h = argv[1] + 7, *path = strchr(h, '/');
	if (!path)
		path = "/";
	size_t hl = (size_t)(path - h);
	if (hl >= sizeof host)
		return 2;
	memcpy(host, h, hl);
	host[hl] = 0;
	char *colon = strchr(host, ':');
	if (colon) {
		snprintf(port, sizeof port, "%s", colon + 1);
		*colon = 0;
	}
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
	int g = getaddrinfo(host, port, &hints, &ai);
	if (g) {
		printf("wget: getaddrinfo %s: %s\n", host, gai_strerror(g));
		return 1;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		printf("wget: connect: %s\n", strerror(errno));
		return 1;
	}
	freeaddrinfo(ai);
	char req[512];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: rumprun-e2e-wget\r\n\r\n", path, host);
	for (int off = 0; off < n;) {
		ssize_t w = write(fd, req + off, (size_t)(n - off));
		if (w <= 0) {
			printf("wget: write: %s\n", strerror(errno));
			return 1;
		}
		off += (int)w;
	}
	/* Read the header (up to the blank line), then hash the body. */
	static char buf[65536];
	size_t have = 0;
	char *body = NULL;
	while (!body) {
		if (have == sizeof buf - 1) {
			printf("wget: header too long\n");
			return 1;
		}
		ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
		if (r <= 0) {
			printf("wget: connection ended in the header (%s)\n", r < 0 ? strerror(errno) : "eof");
			return 1;
		}
		have += (size_t)r;
		buf[have] = 0;
		body = strstr(buf, "\r\n\r\n");
	}
	body += 4;
	int code = 0;
	sscanf(buf, "HTTP/%*s %d", &code);
	long long expect = -1;
	char *cl = strcasestr(buf, "\r\nContent-Length:");
	if (cl && cl < body)
		expect = atoll(cl + 17);
	uint64_t hash = 0xcbf29ce484222325ull;
	unsigned long long total = 0;
	size_t blen = have - (size_t)(body - buf);
	for (;;) {
		for (size_t i = 0; i < blen; i++) {
			hash ^= (unsigned char)body[i];
			hash *= 0x100000001b3ull;
		}
		total += blen;
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0) {
			printf("wget: read: %s\n", strerror(errno));
			return 1;
		}
		if (r == 0)
			break;
		body = buf;
		blen = (size_t)r;
	}
	close(fd);
	printf("wget: status %d bytes %llu fnv1a64 %016llx\n", code, total, (unsigned long long)hash);
	return code == 200 && (expect < 0 || (unsigned long long)expect == total) ? 0 : 1;
}
