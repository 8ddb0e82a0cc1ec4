/*
 * image.c - image types and sizes from their headers, data URLs, and
 * image tokens (see image.h).  Header layouts: PNG (ISO/IEC 15948, the
 * IHDR chunk), GIF (GIF89a's logical screen descriptor), JPEG (ITU T.81,
 * the SOFn segments), WebP (RFC 9649: VP8, VP8L and VP8X chunks).
 */
#include "image.h"

#include "buf.h"
#include "safepath.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

static unsigned long be16(const unsigned char *p)
{
	return (unsigned long)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

static unsigned long le16(const unsigned char *p)
{
	return (unsigned long)p[1] << 8 | p[0];
}

static unsigned long le24(const unsigned char *p)
{
	return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

static int jpeg_size(const unsigned char *b, size_t n, struct llmops_image *out)
{
	size_t i = 2;
	while (i + 9 < n) {
		if (b[i] != 0xFF) {
			i++;
			continue;
		}
		unsigned m = b[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
			i += 2; /* markers with no length */
			continue;
		}
		unsigned long len = be16(b + i + 2);
		/* SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC) */
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			out->height = (long)be16(b + i + 5);
			out->width = (long)be16(b + i + 7);
			return out->width > 0 && out->height > 0 ? 0 : -1;
		}
		if (m == 0xDA || len < 2)
			return -1; /* image data before any frame header */
		i += 2 + len;
	}
	return -1;
}

int llmops_image_info(const unsigned char *b, size_t n, struct llmops_image *out)
{
	memset(out, 0, sizeof(*out));
	if (n >= 24 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8) && !memcmp(b + 12, "IHDR", 4)) {
		out->mime = "image/png";
		out->width = (long)be32(b + 16);
		out->height = (long)be32(b + 20);
	} else if (n >= 10 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6))) {
		out->mime = "image/gif";
		out->width = (long)le16(b + 6);
		out->height = (long)le16(b + 8);
	} else if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
		out->mime = "image/jpeg";
		if (jpeg_size(b, n, out))
			return -1;
	} else if (n >= 30 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4)) {
		out->mime = "image/webp";
		if (!memcmp(b + 12, "VP8 ", 4) && b[23] == 0x9D && b[24] == 0x01 && b[25] == 0x2A) {
			out->width = (long)(le16(b + 26) & 0x3FFF);
			out->height = (long)(le16(b + 28) & 0x3FFF);
		} else if (!memcmp(b + 12, "VP8L", 4) && b[20] == 0x2F) {
			unsigned long v = (unsigned long)b[21] | (unsigned long)b[22] << 8 |
					  (unsigned long)b[23] << 16 | (unsigned long)b[24] << 24;
			out->width = (long)(v & 0x3FFF) + 1;
			out->height = (long)((v >> 14) & 0x3FFF) + 1;
		} else if (!memcmp(b + 12, "VP8X", 4)) {
			out->width = (long)le24(b + 24) + 1;
			out->height = (long)le24(b + 27) + 1;
		} else {
			return -1;
		}
	} else {
		return -1;
	}
	return out->width > 0 && out->height > 0 ? 0 : -1;
}

char *llmops_image_data_url(const unsigned char *b, size_t n, const char *mime)
{
	size_t head = strlen("data:;base64,") + strlen(mime);
	char *url = malloc(head + 4 * ((n + 2) / 3) + 1);
	if (!url)
		return NULL;
	snprintf(url, head + 1, "data:%s;base64,", mime);
	EVP_EncodeBlock((unsigned char *)url + head, b, (int)n);
	return url;
}

int llmops_image_of_url(const char *url, struct llmops_image *out)
{
	const char *comma = url ? strstr(url, ";base64,") : NULL;
	unsigned char bytes[3 * 4096];
	if (!url || strncmp(url, "data:", 5) || !comma)
		return -1;
	comma += strlen(";base64,");
	/* the header is at the start: the first 16 KiB of base64 hold it for every format
	   but a JPEG with large metadata before its frame header */
	size_t len = strlen(comma);
	size_t take = len < 4 * 4096 ? len - len % 4 : 4 * 4096;
	int got = EVP_DecodeBlock(bytes, (const unsigned char *)comma, (int)take);
	if (got <= 0)
		return -1;
	return llmops_image_info(bytes, (size_t)got, out);
}

/* x scaled by num / den, rounded down (at least 1). */
static long scale(long x, double f)
{
	long v = (long)((double)x * f);
	return v < 1 ? 1 : v;
}

long llmops_image_tokens_openai(long w, long h, const char *detail, long base, long tile)
{
	if (detail && !strcmp(detail, "low"))
		return base;
	if (w > 2048 || h > 2048) { /* fit in 2048 x 2048 */
		double f = 2048.0 / (double)(w > h ? w : h);
		w = scale(w, f);
		h = scale(h, f);
	}
	long shorter = w < h ? w : h;
	if (shorter > 768) { /* the shorter side to 768 */
		double f = 768.0 / (double)shorter;
		w = scale(w, f);
		h = scale(h, f);
	}
	long tiles = ((w + 511) / 512) * ((h + 511) / 512);
	return base + tile * tiles;
}

long llmops_image_tokens_anthropic(long w, long h)
{
	long longer = w > h ? w : h;
	if (longer > 1568) {
		double f = 1568.0 / (double)longer;
		w = scale(w, f);
		h = scale(h, f);
	}
	/* "scaled down ... until it is within the size limits" of ~1,600 tokens: as many pixels
	   as the largest size Anthropic's table says is not resized (784 x 1568) */
	if ((double)w * (double)h > 784.0 * 1568.0) {
		double f = sqrt(784.0 * 1568.0 / ((double)w * (double)h));
		w = scale(w, f);
		h = scale(h, f);
	}
	return (w * h + 749) / 750;
}

long llmops_image_tokens_patches(long w, long h, double mult)
{
	/* OpenAI's "Calculating costs": 32 x 32 patches to cover the image; above 1,536, the
	   image is scaled down to fit 1,536 patches (the scale then trimmed so that a side
	   is a whole number of patches), and the count capped at 1,536; times the model's
	   multiplier */
	double pw = ceil((double)w / 32), ph = ceil((double)h / 32);
	if (pw * ph > 1536) {
		double r = sqrt(32.0 * 32.0 * 1536.0 / ((double)w * (double)h));
		double fw = floor((double)w * r / 32) / ((double)w * r / 32);
		double fh = floor((double)h * r / 32) / ((double)h * r / 32);
		r *= fw < fh ? fw : fh;
		pw = ceil((double)w * r / 32);
		ph = ceil((double)h * r / 32);
	}
	double patches = pw * ph > 1536 ? 1536 : pw * ph;
	return lround(patches * mult);
}

int llmops_image_file(const char *root, const char *p, struct llmops_buf *bytes,
		      struct llmops_image *info, struct llmops_err *err)
{
	struct llmops_buf full = LLMOPS_BUF_INIT;
	int rc = 0;
	if (!*p || p[0] == '/' || strstr(p, ".."))
		return !llmops_err_set(
			err, LLMOPS_E_INPUT,
			"image '%s': give a path relative to the repository, without "
			"'..'",
			p);
	llmops_buf_addf(&full, "%s/%s", root ? root : ".", p);
	if (full.oom)
		llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	else if (llmops_path_check_inside(root ? root : ".", full.data, p, err))
		; /* err says where it leads */
	else if (llmops_buf_read_file(bytes, full.data))
		llmops_err_set(err, LLMOPS_E_INPUT, "image '%s': %s", p,
			       errno == ENOENT ? "no such file" : strerror(errno));
	else if (llmops_image_info((const unsigned char *)bytes->data, bytes->len, info))
		llmops_err_set(err, LLMOPS_E_INPUT,
			       "image '%s' is not a PNG, JPEG, GIF or WebP image", p);
	else
		rc = 1;
	llmops_buf_release(&full);
	return rc;
}

/* One image part at path p under root, as an image_url part (the caller's). */
static cJSON *resolve_one(const cJSON *part, const char *root, struct llmops_err *err)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(part, "path");
	const cJSON *detail = cJSON_GetObjectItemCaseSensitive(part, "detail");
	const char *p = cJSON_IsString(path) ? path->valuestring : "";
	struct llmops_buf bytes = LLMOPS_BUF_INIT;
	struct llmops_image info;
	cJSON *out = NULL;
	if (detail && (!cJSON_IsString(detail) ||
		       (strcmp(detail->valuestring, "low") && strcmp(detail->valuestring, "high") &&
			strcmp(detail->valuestring, "auto")))) {
		llmops_err_set(err, LLMOPS_E_INPUT,
			       "image '%s': detail '%s' is not low, high or auto", p,
			       cJSON_IsString(detail) ? detail->valuestring : "?");
		return NULL;
	}
	if (llmops_image_file(root, p, &bytes, &info, err)) { /* else err says what is wrong */
		char *url = llmops_image_data_url((const unsigned char *)bytes.data, bytes.len,
						  info.mime);
		out = cJSON_CreateObject();
		cJSON *iu = NULL;
		if (out && url) {
			cJSON_AddStringToObject(out, "type", "image_url");
			iu = cJSON_AddObjectToObject(out, "image_url");
			cJSON_AddStringToObject(iu, "url", url);
			if (cJSON_IsString(detail))
				cJSON_AddStringToObject(iu, "detail", detail->valuestring);
		}
		if (!iu || !cJSON_GetObjectItemCaseSensitive(iu, "url")) {
			cJSON_Delete(out);
			out = NULL;
			llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
		}
		free(url);
	}
	llmops_buf_release(&bytes);
	return out;
}

int llmops_images_resolve(cJSON *messages, const char *root, struct llmops_err *err)
{
	cJSON *m, *part;
	cJSON_ArrayForEach (m, messages) {
		cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
		if (!cJSON_IsArray(content))
			continue;
		for (part = content->child; part; part = part->next) {
			const cJSON *type = cJSON_GetObjectItemCaseSensitive(part, "type");
			if (!cJSON_IsString(type) || strcmp(type->valuestring, "image"))
				continue;
			cJSON *url = resolve_one(part, root, err);
			if (!url)
				return err && err->code ? err->code : LLMOPS_E_NOMEM;
			cJSON_ReplaceItemViaPointer(content, part, url);
			part = url;
		}
	}
	return 0;
}
