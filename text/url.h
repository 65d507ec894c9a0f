/* url.h: URLs, e-mail addresses, bare host names and @handles found in running text (the Chinese
   pre-tokenizer and the UD English tokenizer keep each one whole). ASCII scanners over bytes;
   callers fold full-width forms first. */
#ifndef LK_TEXT_URL_H
#define LK_TEXT_URL_H

#include <stddef.h>

/* Length in bytes of a URL (http:// https:// ftp:// www. mailto:) starting at s[0..len), or
   0; trailing sentence punctuation (. , ; : ! ? ' ") is not part of it, nor is a final ) or ]
   that closes no bracket of the URL: https://en.wikipedia.org/wiki/Python_(language) keeps
   its ')', (see https://x.org/a) does not.
   A URL's host and path may hold non-ASCII letters, digits and Han (http://例子.中国/路径?
   参数=值): such a run starts after / . ? = & # or continues one, so the URL ends at white
   space, non-ASCII punctuation (，。）」) or Han text right after an ASCII character
   (http://example.com了解: the URL is http://example.com). */
size_t lk_url_len(const char *s, size_t len);
/* Length of an e-mail address (name@host.tld) starting at s[0..len), or 0. */
size_t lk_url_email_len(const char *s, size_t len);
/* Length of a bare host name (two or more dot-separated labels ending in a common top-level
   domain: example.com, t.sina.com.cn, baidu.com:8080/s?wd=1) with its port and path, or 0. */
size_t lk_url_host_len(const char *s, size_t len);
/* Length of an @handle starting at s[0..len): '@', an ASCII letter or '_', then ASCII
   letters, digits and '_', with '.' between two of them (@zhang_san, @li.si; a final '.' is
   the sentence's), or 0. Whether the '@' starts a word (not inside an e-mail address) is
   the caller's to check. */
size_t lk_url_handle_len(const char *s, size_t len);

#endif
