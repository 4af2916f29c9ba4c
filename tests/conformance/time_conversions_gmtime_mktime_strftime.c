// Checks time conversions in UTC: gmtime of known instants, timegm and
// mktime (TZ=UTC) inverting them, strftime formats, and leap-year dates.
// env: TZ=UTC
#define _GNU_SOURCE
#include <time.h>
#include "t.h"

int main(void)
{
	time_t t = 951782400; /* 2000-02-29 00:00:00 UTC */
	struct tm tm;
	CHECK(gmtime_r(&t, &tm) != NULL);
	CHECK(tm.tm_year == 100 && tm.tm_mon == 1 && tm.tm_mday == 29);
	CHECK_INT(tm.tm_wday, 2);
	CHECK_INT(tm.tm_yday, 59);
	CHECK(timegm(&tm) == t);
	tzset();
	CHECK(mktime(&tm) == t);
	char b[64];
	CHECK(strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S %a %j", &tm) > 0);
	CHECK(strcmp(b, "2000-02-29 00:00:00 Tue 060") == 0);
	struct tm in = { .tm_year = 124, .tm_mon = 11, .tm_mday = 31, .tm_hour = 23, .tm_min = 59, .tm_sec = 60 };
	time_t n = timegm(&in);
	CHECK(n == 1735689600); /* normalised to 2025-01-01 00:00:00 */
	CHECK(in.tm_year == 125 && in.tm_mon == 0 && in.tm_mday == 1);
	t = 0;
	CHECK(strcmp(asctime(gmtime(&t)), "Thu Jan  1 00:00:00 1970\n") == 0);
	struct tm p;
	memset(&p, 0, sizeof p);
	CHECK(strptime("2021-07-04 12:30", "%Y-%m-%d %H:%M", &p) != NULL);
	CHECK(p.tm_mon == 6 && p.tm_hour == 12 && p.tm_min == 30);
	return T_DONE();
}
