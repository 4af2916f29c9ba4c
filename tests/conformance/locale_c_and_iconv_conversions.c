// Checks the C locale and iconv: setlocale(LC_ALL, "C") and "" succeed,
// localeconv's decimal point is ".", MB_CUR_MAX is sane, mbrtowc decodes
// UTF-8 under C.UTF-8, and iconv converts UTF-8 to UTF-16LE and Latin-1.
#include <iconv.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <wchar.h>
#include "t.h"

int main(void)
{
	CHECK(setlocale(LC_ALL, "C") != NULL);
	CHECK(strcmp(localeconv()->decimal_point, ".") == 0);
	CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	CHECK(MB_CUR_MAX >= 1);
	wchar_t w;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	CHECK_INT(mbrtowc(&w, "\xc3\xa9", 2, &st), 2);
	CHECK_INT(w, 0xe9);
	iconv_t cd = iconv_open("UTF-16LE", "UTF-8");
	CHECK(cd != (iconv_t)-1);
	char in[] = "h\xc3\xa9", out[16];
	char *ip = in, *op = out;
	size_t il = 3, ol = sizeof out;
	CHECK(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	CHECK_INT(sizeof out - ol, 4);
	CHECK(memcmp(out, "h\0\xe9\0", 4) == 0);
	iconv_close(cd);
	cd = iconv_open("ISO-8859-1", "UTF-8");
	CHECK(cd != (iconv_t)-1);
	ip = in; op = out; il = 3; ol = sizeof out;
	CHECK(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	CHECK(memcmp(out, "h\xe9", 2) == 0);
	iconv_close(cd);
	CHECK(setlocale(LC_ALL, "C") != NULL);
	return T_DONE();
}
