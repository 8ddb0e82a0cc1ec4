/*
 * tokdata.h - the layout of a tokenizer's rank table as built into the
 * binary, shared by the build-time generator (gen/tokgen.c) and the
 * tokenizer (tokenizer.c).
 *
 * A table is one read-only blob, written at build time from a .tiktoken
 * rank file and linked in with `.incbin`, so nothing is parsed or
 * allocated at run time:
 *
 *   struct llmops_tokdata_header
 *   uint32_t offsets[LLMOPS_TOKDATA_OFFSETS(n_ranks)]
 *                                   token r is pool[offsets[r] .. offsets[r+1]);
 *                                   padded to an even count so the table
 *                                   is 8-byte aligned
 *   uint64_t table[1 << table_bits] open addressing on llmops_tokhash():
 *                                   0 empty, else rank + 1, the token's
 *                                   length, its pool offset and the hash's
 *                                   top bits (LLMOPS_TOKDATA_ENTRY), so a
 *                                   probe touches one table word and, on a
 *                                   tag match, the pool bytes
 *   uint32_t pairs[65536]           rank of the two-byte string (b0 << 8 | b1),
 *                                   or UINT32_MAX: the first merges of every
 *                                   piece are one load from a table that stays
 *                                   in cache
 *   uint64_t filter[1 << (LLMOPS_TOKDATA_FILTER_BITS - 6)]
 *                                   bit (h >> 20) & (2^FILTER_BITS - 1) is set
 *                                   for every token's hash: most strings that
 *                                   are not tokens (most merge candidates)
 *                                   are turned away from this 512 KB bitmap
 *                                   without a probe of the larger table
 *   uint8_t  pool[pool_len]
 *
 * Integers are in the byte order of the machine that built the blob, which
 * is the machine it runs on (the generator is a native build tool).
 */
#ifndef LLMOPS_TOKDATA_H
#define LLMOPS_TOKDATA_H

#include <stddef.h>
#include <stdint.h>

#define LLMOPS_TOKDATA_MAGIC	   0x4b4f544cu /* "LTOK" */
#define LLMOPS_TOKDATA_VERSION	   4u
#define LLMOPS_TOKDATA_FILTER_BITS 22u
#define LLMOPS_TOKDATA_FILTER_BIT(h)                                                               \
	((uint32_t)((h) >> 20) & ((1u << LLMOPS_TOKDATA_FILTER_BITS) - 1u))
/* Table entry fields: [0,18) rank + 1, [18,26) length, [26,48) pool offset, [48,64) tag. */
#define LLMOPS_TOKDATA_OFFSETS(n_ranks) (((n_ranks) + 2u) & ~1u)
#define LLMOPS_TOKDATA_MAX_RANK		((1u << 18) - 2u)
#define LLMOPS_TOKDATA_MAX_LEN		255u
#define LLMOPS_TOKDATA_MAX_POOL		((1u << 22) - 1u)
#define LLMOPS_TOKDATA_ENTRY(rank, len, off, h)                                                    \
	(((uint64_t)(rank) + 1u) | (uint64_t)(len) << 18 | (uint64_t)(off) << 26 |                 \
	 ((h)&0xffff000000000000ull))
#define LLMOPS_TOKDATA_E_RANK(e) ((uint32_t)((e)&0x3ffffu) - 1u)
#define LLMOPS_TOKDATA_E_LEN(e)	 ((uint32_t)((e) >> 18) & 0xffu)
#define LLMOPS_TOKDATA_E_OFF(e)	 ((uint32_t)((e) >> 26) & 0x3fffffu)
#define LLMOPS_TOKDATA_E_TAG(e)	 ((e)&0xffff000000000000ull)

struct llmops_tokdata_header {
	uint32_t magic;
	uint32_t version;
	uint32_t n_ranks;
	uint32_t table_bits;
	uint32_t pool_len;
	uint32_t max_token_len;
	uint32_t reserved[2];
};

static inline uint64_t llmops_tok_load(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The hash of a byte string; must not change without a new VERSION. */
static inline uint64_t llmops_tokhash(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)n * 0xff51afd7ed558ccdull);
	while (n >= 8) {
		uint64_t v;
		__builtin_memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		v = __builtin_bswap64(v);
#endif
		h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		p += 8;
		n -= 8;
	}
	h = (h ^ llmops_tok_load(p, n)) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

/* Unicode classes of the pre-tokenizers (gen/tokgen.c writes the tables). */
enum {
	LLMOPS_UC_L = 1,      /* \p{L} */
	LLMOPS_UC_N = 2,      /* \p{N} */
	LLMOPS_UC_S = 4,      /* \s: the White_Space property */
	LLMOPS_UC_UPPER = 8,  /* [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] (o200k_base) */
	LLMOPS_UC_LOWER = 16, /* [\p{Ll}\p{Lm}\p{Lo}\p{M}] (o200k_base) */
};

/* Class bits of code point cp (<= 0x10FFFF); tables in unicode_classes.c. */
extern const uint16_t llmops_uc_stage1[0x1100];
extern const uint8_t llmops_uc_stage2[][256];
extern const char llmops_uc_version[];

static inline unsigned llmops_uc_class(uint32_t cp)
{
	return llmops_uc_stage2[llmops_uc_stage1[cp >> 8]][cp & 0xff];
}

#endif
