/*
 * image.h - images in chat messages: their type and size read from their
 * own bytes (PNG, JPEG, GIF, WebP), files of the repository sent as data
 * URLs, and the prompt tokens they are billed as.
 *
 * Tokens, as the vendors document them:
 *   OpenAI (platform.openai.com/docs/guides/images-vision, "Calculating
 *   costs"): detail low is a flat base; high is the image scaled to fit in
 *   2048 x 2048, then scaled so its shorter side is at most 768, cut into
 *   512 x 512 tiles: base + tile x tiles (gpt-4o: 85 and 170; gpt-4o-mini:
 *   2833 and 5667).  auto is counted as high (the most it can be).
 *   OpenAI's patch models (gpt-4.1-mini, gpt-4.1-nano, gpt-5-mini,
 *   gpt-5-nano, o4-mini; the same page): 32 x 32 patches covering the
 *   image, scaled down to fit 1,536 when there are more, times the model's
 *   multiplier (1.62, 2.46, 1.62, 2.46, 1.72), rounded.
 *   Anthropic (docs.anthropic.com/en/docs/build-with-claude/vision): an
 *   image whose long edge is over 1568 pixels is scaled down to it, and one
 *   of more pixels than the largest size its table keeps (784 x 1568, about
 *   1,600 tokens) is scaled down to that many; tokens are width x height /
 *   750, rounded up.
 */
#ifndef LLMOPS_IMAGE_H
#define LLMOPS_IMAGE_H

#include "buf.h"
#include "error.h"

#include <cjson/cJSON.h>
#include <stddef.h>

struct llmops_image {
	const char *mime; /* "image/png", "image/jpeg", "image/gif", "image/webp"; static */
	long width, height;
};

/* The type and size of the image in b[0..n): 0, or -1 when it is none of the four. */
int llmops_image_info(const unsigned char *b, size_t n, struct llmops_image *out);

/* A data: URL of an image's bytes (the caller's: free()), or NULL out of memory. */
char *llmops_image_data_url(const unsigned char *b, size_t n, const char *mime);

/* The type and size of the image in a data: URL (base64): 0, or -1 (not one, or unread). */
int llmops_image_of_url(const char *url, struct llmops_image *out);

/* Tokens of a w x h image at detail ("low", "high", "auto"; NULL: auto), OpenAI's way with
   base and tile; and Anthropic's. */
long llmops_image_tokens_openai(long w, long h, const char *detail, long base, long tile);
long llmops_image_tokens_anthropic(long w, long h);

/*
 * OpenAI's patch models (gpt-4.1-mini, gpt-4.1-nano, o4-mini, ...): 32 px
 * patches covering the image, scaled down to fit 1,536 when there are more,
 * times the model's multiplier (1.62, 2.46, 1.72), rounded.
 */
long llmops_image_tokens_patches(long w, long h, double mult);

/*
 * The image file p (relative, under root; no symbolic link out of it) read
 * into bytes (the caller's) and its type and size into info: 1, or 0 with
 * err naming the path ("image 'img/cat.png': no such file", "... is not a
 * PNG, JPEG, GIF or WebP image").
 */
int llmops_image_file(const char *root, const char *p, struct llmops_buf *bytes,
		      struct llmops_image *info, struct llmops_err *err);

/*
 * Every part {"type": "image", "path": P, "detail": D} of messages' contents
 * replaced by {"type": "image_url", "image_url": {"url": "data:...", "detail":
 * D}}: the file P (relative, under root; no symbolic link out of it) read and
 * checked to be an image.  0, or LLMOPS_E_INPUT naming the path ("image
 * 'img/cat.png': no such file", "... is not a PNG, JPEG, GIF or WebP image").
 */
int llmops_images_resolve(cJSON *messages, const char *root, struct llmops_err *err);

#endif
