#include "util/sha256.h"

#include <openssl/evp.h>
#include <stdio.h>

int sha256_init(struct sha256 *h)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	h->ctx = NULL;
	if (!c)
		return -1;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return -1;
	}
	h->ctx = c;
	return 0;
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
	if (h->ctx && len)
		EVP_DigestUpdate(h->ctx, data, len);
}

void sha256_final_hex(struct sha256 *h, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int n = 0;

	hex[0] = '\0';
	if (!h->ctx)
		return;
	EVP_DigestFinal_ex(h->ctx, md, &n);
	for (unsigned i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	sha256_release(h);
}

void sha256_release(struct sha256 *h)
{
	if (h->ctx)
		EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void sha256_hex(const void *data, size_t len, char hex[65])
{
	struct sha256 h;

	hex[0] = '\0';
	if (sha256_init(&h))
		return;
	sha256_update(&h, data, len);
	sha256_final_hex(&h, hex);
}

int sha256_file_hex(const char *path, char hex[65])
{
	unsigned char buf[1 << 16];
	struct sha256 h;
	FILE *f = fopen(path, "rb");
	size_t n;

	hex[0] = '\0';
	if (!f)
		return -1;
	if (sha256_init(&h)) {
		fclose(f);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&h, buf, n);
	if (ferror(f)) {
		sha256_release(&h);
		fclose(f);
		return -1;
	}
	fclose(f);
	sha256_final_hex(&h, hex);
	return 0;
}
