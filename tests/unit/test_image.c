/*
 * test_image.c - lib/image: the type and size of PNG, GIF, JPEG and WebP
 * images from their headers (and of data: URLs), refusing anything else;
 * image tokens checked against the vendors' own worked examples.
 */
#include "testutil.h"

#include "image.h"

#include <stdlib.h>
#include <string.h>

static void info(const unsigned char *b, size_t n, const char *mime, long w, long h)
{
	struct llmops_image im;
	if (llmops_image_info(b, n, &im))
		fail_msg("%s: not read", mime);
	assert_string_equal(im.mime, mime);
	assert_int_equal(im.width, w);
	assert_int_equal(im.height, h);
}

static void headers(void **state)
{
	(void)state;
	/* PNG: signature, IHDR length and type, width 640, height 480 (big-endian) */
	static const unsigned char png[] = {0x89, 'P', 'N', 'G',  '\r', '\n', 0x1a, '\n',
					    0,	  0,   0,   13,	  'I',	'H',  'D',  'R',
					    0,	  0,   2,   0x80, 0,	0,    1,    0xE0};
	info(png, sizeof(png), "image/png", 640, 480);
	/* GIF89a: width 300, height 200 (little-endian) */
	static const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a', 0x2C, 0x01, 0xC8, 0x00};
	info(gif, sizeof(gif), "image/gif", 300, 200);
	/* JPEG: SOI, an APP0 segment, then SOF0 with height 100 and width 150 */
	static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 'J',  'F',  0xFF,
					    0xC0, 0x00, 0x11, 0x08, 0x00, 0x64, 0x00, 0x96, 0x03,
					    0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01};
	info(jpg, sizeof(jpg), "image/jpeg", 150, 100);
	/* WebP VP8X: canvas width - 1 and height - 1 as 24-bit little-endian */
	unsigned char webp[30] = {'R', 'I', 'F', 'F', 0,  0, 0, 0, 'W', 'E', 'B', 'P',
				  'V', 'P', '8', 'X', 10, 0, 0, 0, 0,	0,   0,	  0};
	webp[24] = 0xFF; /* 1024 - 1 = 0x3FF */
	webp[25] = 0x03;
	webp[27] = 0xFF; /* 768 - 1 = 0x2FF */
	webp[28] = 0x02;
	info(webp, sizeof(webp), "image/webp", 1024, 768);

	struct llmops_image im;
	assert_int_equal(llmops_image_info((const unsigned char *)"not an image", 12, &im), -1);
	assert_int_equal(llmops_image_info(png, 16, &im), -1); /* cut before its size */
	/* a JPEG whose scan begins before any frame header */
	static const unsigned char nojpg[] = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 2,
					      3,    4,	  5,	6,    7,    8,	  9, 10};
	assert_int_equal(llmops_image_info(nojpg, sizeof(nojpg), &im), -1);

	/* a data: URL round trip */
	char *url = llmops_image_data_url(png, sizeof(png), "image/png");
	assert_non_null(url);
	assert_memory_equal(url, "data:image/png;base64,iVBORw0KGgo", 33);
	assert_int_equal(llmops_image_of_url(url, &im), 0);
	assert_int_equal(im.width, 640);
	free(url);
	assert_int_equal(llmops_image_of_url("https://example.com/a.png", &im), -1);
}

static void tokens(void **state)
{
	(void)state;
	/* OpenAI's worked examples (gpt-4o: 85 base, 170 per 512 x 512 tile) */
	assert_int_equal(llmops_image_tokens_openai(1024, 1024, "high", 85, 170), 765);
	assert_int_equal(llmops_image_tokens_openai(2048, 4096, "high", 85, 170), 1105);
	assert_int_equal(llmops_image_tokens_openai(4096, 8192, "low", 85, 170), 85);
	assert_int_equal(llmops_image_tokens_openai(512, 512, NULL, 85, 170), 255); /* auto */
	assert_int_equal(llmops_image_tokens_openai(100, 100, "auto", 85, 170), 255);
	/* gpt-4o-mini's own figures */
	assert_int_equal(llmops_image_tokens_openai(1024, 1024, "high", 2833, 5667), 25501);
	/* Anthropic: 1092 x 1092 is about 1590 (their table), 1000 x 1000 1334 */
	assert_int_equal(llmops_image_tokens_anthropic(1092, 1092), 1590);
	assert_int_equal(llmops_image_tokens_anthropic(1000, 1000), 1334);
	/* over 1568 on the long edge: scaled down first (3136 x 1568 -> 1568 x 784) */
	assert_int_equal(llmops_image_tokens_anthropic(3136, 1568), (1568 * 784 + 749) / 750);
	/* and to the pixels of its largest unresized size (784 x 1568): 1568 x 1568 is about
	   1,600 tokens, not 3,279 (issue 30) */
	assert_int_equal(llmops_image_tokens_anthropic(1568, 1568), (1108 * 1108 + 749) / 750);
	assert_int_equal(llmops_image_tokens_anthropic(951, 1268), (951 * 1268 + 749) / 750);
	/* OpenAI's patch models: 1024 x 1024 is 1,024 patches; 1800 x 2400 is scaled to
	   1,452 (33 x 44); more than 1,536 is capped; times 1.62 (gpt-4.1-mini) */
	assert_int_equal(llmops_image_tokens_patches(1024, 1024, 1.0), 1024);
	assert_int_equal(llmops_image_tokens_patches(1800, 2400, 1.0), 1452);
	assert_int_equal(llmops_image_tokens_patches(1024, 1024, 1.62), 1659);
	assert_int_equal(llmops_image_tokens_patches(1800, 2400, 1.62), 2352);
	assert_int_equal(llmops_image_tokens_patches(128, 64, 1.62), 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(headers),
		cmocka_unit_test(tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
