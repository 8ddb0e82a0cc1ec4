/*
 * tokgen.c - build-time generator for the tokenizer's built-in data.
 *
 *   tokgen ranks NAME FILE.tiktoken SHA256 OUT.bin OUT.S
 *       Check FILE's SHA-256 against the recorded one (the build fails on a
 *       mismatch), parse its "BASE64 RANK" lines, and write the rank table
 *       blob of tokdata.h to OUT.bin and an assembler file that links it in
 *       as the symbol llmops_tokdata_NAME.
 *
 *   tokgen embed SYMBOL FILE OUT.S
 *       Write an assembler file that links FILE in as the NUL-terminated
 *       char array SYMBOL (the price table).
 *
 *   tokgen unicode OUT.c
 *       Write the two-stage Unicode class tables of tokdata.h, taken from
 *       utf8proc's general categories (and the White_Space property).
 *
 * A build tool, run by meson; it is not linked into llmops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../tokens/tokdata.h"

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "tokgen: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	size_t cap = 1 << 20, n = 0;
	unsigned char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	if (!buf || ferror(f))
		die("%s: %s", path, "read failed");
	fclose(f);
	*len = n;
	return buf;
}

static void check_sha256(const unsigned char *data, size_t len, const char *want, const char *path)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL))
		die("%s: %s", path, "SHA-256 failed");
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (strcmp(hex, want) != 0) {
		fprintf(stderr, "tokgen: %s: SHA-256 is %s, expected %s (see lib/data/README.md)\n",
			path, hex, want);
		exit(1);
	}
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64 s[0..n) into out; returns the decoded length or -1. */
static long b64decode(const unsigned char *s, size_t n, unsigned char *out)
{
	long o = 0;
	unsigned acc = 0;
	int bits = 0;
	size_t i;
	for (i = 0; i < n && s[i] != '='; i++) {
		int v = b64val(s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

struct tok {
	size_t off, len;
};

static int write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -1;
}

/* A rank file parsed: each token's bytes in pool, in rank order. */
struct ranks {
	struct tok *toks;
	size_t n;
	unsigned char *pool;
	size_t pool_len, max_len;
};

/* "BASE64 RANK" lines, ranks 0, 1, 2, ... in order, into r. */
static void parse_ranks(const unsigned char *text, size_t len, const char *path, struct ranks *r)
{
	size_t cap = 1024;
	r->toks = malloc(cap * sizeof(*r->toks));
	r->pool = malloc(len); /* decoded bytes are shorter than the text */
	r->n = r->pool_len = r->max_len = 0;
	if (!r->toks || !r->pool)
		die("%s: %s", path, "out of memory");
	for (size_t i = 0; i < len;) {
		size_t eol = i;
		while (eol < len && text[eol] != '\n')
			eol++;
		size_t sp = i;
		while (sp < eol && text[sp] != ' ')
			sp++;
		char rank_text[16];
		size_t rl = eol - sp - (sp < eol);
		if (sp == eol || rl == 0 || rl >= sizeof(rank_text))
			die("%s: %s", path, "a line is not 'BASE64 RANK'");
		memcpy(rank_text, text + sp + 1, rl);
		rank_text[rl] = 0;
		char *end;
		unsigned long rank = strtoul(rank_text, &end, 10);
		if (*end || rank != r->n)
			die("%s: %s", path, "ranks are not 0, 1, 2, ... in order");
		long dl = b64decode(text + i, sp - i, r->pool + r->pool_len);
		if (dl <= 0)
			die("%s: %s", path, "bad base64 token");
		if (r->n == cap && !(r->toks = realloc(r->toks, (cap *= 2) * sizeof(*r->toks))))
			die("%s: %s", path, "out of memory");
		r->toks[r->n].off = r->pool_len;
		r->toks[r->n].len = (size_t)dl;
		r->pool_len += (size_t)dl;
		if ((size_t)dl > r->max_len)
			r->max_len = (size_t)dl;
		r->n++;
		i = eol + 1;
	}
	if (r->n == 0 || r->n > LLMOPS_TOKDATA_MAX_RANK + 1 ||
	    r->max_len > LLMOPS_TOKDATA_MAX_LEN || r->pool_len > LLMOPS_TOKDATA_MAX_POOL)
		die("%s: %s", path, "too large for the table layout of tokdata.h");
}

/* The hash table of 2^bits slots (open addressing) and each rank's pool offset. */
static void build_table(const struct ranks *r, const char *path, unsigned *bits_out,
			uint64_t **table_out, uint32_t **offsets_out)
{
	unsigned bits = 1;
	while ((1ull << bits) < 2 * (unsigned long long)r->n + r->n / 2)
		bits++;
	size_t tsize = (size_t)1 << bits, noff = LLMOPS_TOKDATA_OFFSETS(r->n);
	uint64_t *table = calloc(tsize, sizeof(uint64_t));
	uint32_t *offsets = calloc(noff, sizeof(uint32_t));
	if (!table || !offsets)
		die("%s: %s", path, "out of memory");
	for (size_t k = 0; k < r->n; k++) {
		const struct tok *t = &r->toks[k];
		offsets[k] = (uint32_t)t->off;
		uint64_t h = llmops_tokhash(r->pool + t->off, t->len);
		size_t slot = (size_t)h & (tsize - 1);
		while (table[slot]) {
			uint32_t other = LLMOPS_TOKDATA_E_RANK(table[slot]);
			if (r->toks[other].len == t->len &&
			    !memcmp(r->pool + r->toks[other].off, r->pool + t->off, t->len))
				die("%s: %s", path, "a token appears twice");
			slot = (slot + 1) & (tsize - 1);
		}
		table[slot] = LLMOPS_TOKDATA_ENTRY(k, t->len, t->off, h);
	}
	for (size_t k = r->n; k < noff; k++)
		offsets[k] = (uint32_t)r->pool_len;
	*bits_out = bits;
	*table_out = table;
	*offsets_out = offsets;
}

/* The binary: header, offsets, table, two-byte pairs, the filter of token hashes, pool. */
static void write_bin(const struct ranks *r, const char *path, const char *out_bin)
{
	unsigned bits;
	uint64_t *table;
	uint32_t *offsets;
	build_table(r, path, &bits, &table, &offsets);
	struct llmops_tokdata_header hdr = {
		.magic = LLMOPS_TOKDATA_MAGIC,
		.version = LLMOPS_TOKDATA_VERSION,
		.n_ranks = (uint32_t)r->n,
		.table_bits = bits,
		.pool_len = (uint32_t)r->pool_len,
		.max_token_len = (uint32_t)r->max_len,
	};
	uint32_t *pairs = malloc(65536 * sizeof(uint32_t));
	size_t nfilter = (size_t)1 << (LLMOPS_TOKDATA_FILTER_BITS - 6);
	uint64_t *filter = calloc(nfilter, sizeof(uint64_t));
	if (!pairs || !filter)
		die("%s: %s", path, "out of memory");
	memset(pairs, 0xff, 65536 * sizeof(uint32_t));
	for (size_t k = 0; k < r->n; k++) {
		const struct tok *t = &r->toks[k];
		if (t->len == 2)
			pairs[r->pool[t->off] << 8 | r->pool[t->off + 1]] = (uint32_t)k;
		uint32_t bit = LLMOPS_TOKDATA_FILTER_BIT(llmops_tokhash(r->pool + t->off, t->len));
		filter[bit >> 6] |= 1ull << (bit & 63);
	}
	FILE *f = fopen(out_bin, "wb");
	if (!f || write_all(f, &hdr, sizeof(hdr)) ||
	    write_all(f, offsets, LLMOPS_TOKDATA_OFFSETS(r->n) * sizeof(uint32_t)) ||
	    write_all(f, table, ((size_t)1 << bits) * sizeof(uint64_t)) ||
	    write_all(f, pairs, 65536 * sizeof(uint32_t)) ||
	    write_all(f, filter, nfilter * sizeof(uint64_t)) ||
	    write_all(f, r->pool, r->pool_len) || fclose(f))
		die("%s: %s", out_bin, "write failed");
	free(table);
	free(pairs);
	free(filter);
	free(offsets);
}

/* The assembly that links the binary in with .incbin. */
static void write_asm(const char *name, const char *path, const char *out_bin, const char *out_s)
{
	char *abs = realpath(out_bin, NULL);
	if (!abs)
		die("%s: %s", out_bin, strerror(errno));
	FILE *f = fopen(out_s, "w");
	if (!f)
		die("%s: %s", out_s, strerror(errno));
	fprintf(f,
		"/* generated by tokgen from %s: do not edit */\n"
		"\t.section .rodata.llmops_tokdata_%s,\"a\"\n"
		"\t.balign 64\n"
		"\t.globl llmops_tokdata_%s\n"
		"\t.hidden llmops_tokdata_%s\n"
		"\t.type llmops_tokdata_%s, %%object\n"
		"llmops_tokdata_%s:\n"
		"\t.incbin \"%s\"\n"
		"\t.size llmops_tokdata_%s, . - llmops_tokdata_%s\n"
		"\t.section .note.GNU-stack,\"\",%%progbits\n",
		path, name, name, name, name, name, abs, name, name);
	if (fclose(f))
		die("%s: %s", out_s, "write failed");
	free(abs);
}

static int gen_ranks(const char *name, const char *path, const char *sha, const char *out_bin,
		     const char *out_s)
{
	size_t len;
	unsigned char *text = slurp(path, &len);
	struct ranks r;
	check_sha256(text, len, sha, path);
	parse_ranks(text, len, path, &r);
	write_bin(&r, path, out_bin);
	write_asm(name, path, out_bin, out_s);
	free(r.pool);
	free(r.toks);
	free(text);
	return 0;
}

/* The White_Space property (Unicode PropList.txt; stable since 6.1). */
static int is_white_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

static unsigned char class_of(uint32_t c)
{
	unsigned char k = 0;
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LT: k = LLMOPS_UC_L | LLMOPS_UC_UPPER; break;
	case UTF8PROC_CATEGORY_LL: k = LLMOPS_UC_L | LLMOPS_UC_LOWER; break;
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: k = LLMOPS_UC_L | LLMOPS_UC_UPPER | LLMOPS_UC_LOWER; break;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME: k = LLMOPS_UC_UPPER | LLMOPS_UC_LOWER; break;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO: k = LLMOPS_UC_N; break;
	default: break;
	}
	if (is_white_space(c))
		k |= LLMOPS_UC_S;
	return k;
}

static int gen_unicode(const char *out_c)
{
	static unsigned char blocks[0x1100][256];
	static unsigned short stage1[0x1100];
	unsigned nblocks = 0;
	for (uint32_t b = 0; b < 0x1100; b++) {
		unsigned char cur[256];
		for (uint32_t i = 0; i < 256; i++)
			cur[i] = class_of((b << 8) | i);
		unsigned j;
		for (j = 0; j < nblocks; j++)
			if (!memcmp(blocks[j], cur, 256))
				break;
		if (j == nblocks)
			memcpy(blocks[nblocks++], cur, 256);
		stage1[b] = (unsigned short)j;
	}
	FILE *f = fopen(out_c, "w");
	if (!f)
		die("%s: %s", out_c, strerror(errno));
	fprintf(f, "/* generated by tokgen from utf8proc %s (Unicode %s): do not edit */\n",
		utf8proc_version(), utf8proc_unicode_version());
	fprintf(f, "#include \"tokdata.h\"\n\n");
	fprintf(f, "const char llmops_uc_version[] = \"%s\";\n\n", utf8proc_unicode_version());
	fprintf(f, "const uint16_t llmops_uc_stage1[0x1100] = {");
	for (unsigned b = 0; b < 0x1100; b++)
		fprintf(f, "%s%u,", b % 16 ? " " : "\n\t", stage1[b]);
	fprintf(f, "\n};\n\nconst uint8_t llmops_uc_stage2[][256] = {\n");
	for (unsigned j = 0; j < nblocks; j++) {
		fprintf(f, "\t{");
		for (unsigned i = 0; i < 256; i++)
			fprintf(f, "%s%u,", i % 32 ? "" : "\n\t\t", blocks[j][i]);
		fprintf(f, "\n\t},\n");
	}
	fprintf(f, "};\n");
	if (fclose(f))
		die("%s: %s", out_c, "write failed");
	return 0;
}

static int gen_embed(const char *sym, const char *path, const char *out_s)
{
	char *abs = realpath(path, NULL);
	if (!abs)
		die("%s: %s", path, strerror(errno));
	FILE *f = fopen(out_s, "w");
	if (!f)
		die("%s: %s", out_s, strerror(errno));
	fprintf(f,
		"/* generated by tokgen from %s: do not edit */\n"
		"\t.section .rodata.%s,\"a\"\n"
		"\t.globl %s\n"
		"\t.hidden %s\n"
		"\t.type %s, %%object\n"
		"%s:\n"
		"\t.incbin \"%s\"\n"
		"\t.byte 0\n"
		"\t.size %s, . - %s\n"
		"\t.section .note.GNU-stack,\"\",%%progbits\n",
		path, sym, sym, sym, sym, sym, abs, sym, sym);
	if (fclose(f))
		die("%s: %s", out_s, "write failed");
	free(abs);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "embed"))
		return gen_embed(argv[2], argv[3], argv[4]);
	if (argc == 7 && !strcmp(argv[1], "ranks"))
		return gen_ranks(argv[2], argv[3], argv[4], argv[5], argv[6]);
	if (argc == 3 && !strcmp(argv[1], "unicode"))
		return gen_unicode(argv[2]);
	fprintf(stderr, "usage: tokgen ranks NAME FILE SHA256 OUT.bin OUT.S\n"
			"       tokgen embed SYMBOL FILE OUT.S\n"
			"       tokgen unicode OUT.c\n");
	return 2;
}
