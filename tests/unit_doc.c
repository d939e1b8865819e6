/* The document model (doc.c) and JSON in and out of it (json.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "json.h"
#include "tap.h"
#include "xalloc.h"

static char *
emit(const struct doc *d)
{
	struct buf	 b;
	char		*text;

	buf_init(&b, 0);
	if (json_emit(d, &b) == -1) {
		buf_free(&b);
		return NULL;
	}
	text = buf_steal(&b);
	buf_free(&b);
	return text;
}

static struct doc *
parse(const char *text)
{
	return json_parse(text, strlen(text), "test input");
}

static void
test_map_order(void)
{
	struct doc	*m = doc_map(), *c;

	ok(doc_map_set(m, "b", doc_int(1)) == 0, "set b");
	ok(doc_map_set(m, "a", doc_int(2)) == 0, "set a");
	ok(doc_map_set(m, "c", doc_int(3)) == 0, "set c");
	ok(doc_map_set(m, "b", doc_str("x")) == 0, "replace b");
	ok(doc_len(m) == 3, "three keys");
	is_str(doc_map_key_at(m, 0), "b", "replaced key keeps its place");
	is_str(doc_str_val(doc_map_val_at(m, 0)), "x", "replaced value");
	is_str(doc_map_key_at(m, 1), "a", "insertion order kept");
	ok(doc_map_del(m, "a") == 0, "delete a");
	ok(doc_map_del(m, "a") == -1, "delete missing key");
	is_str(doc_map_key_at(m, 1), "c", "delete closes the gap");
	ok(doc_map_insert_at(m, 0, "first", doc_bool(1)) == 0, "insert at 0");
	is_str(doc_map_key_at(m, 0), "first", "inserted first");
	ok(doc_map_insert_at(m, 0, "c", doc_null()) == -1,
	    "insert of an existing key refused");
	ok(doc_map_rename(m, "c", "z") == 0, "rename");
	is_str(doc_map_key_at(m, 2), "z", "rename keeps position");
	ok(doc_map_rename(m, "z", "b") == -1, "rename onto existing key");
	ok(doc_map_get(m, "nope") == NULL, "get missing");
	ok(doc_map_get(m, "z") != NULL && doc_int_val(doc_map_get(m, "z")) == 3,
	    "get present");

	c = doc_copy(m);
	ok(doc_equal(m, c), "copy is equal");
	doc_map_set(c, "z", doc_int(4));
	ok(!doc_equal(m, c), "changed copy differs");
	doc_free(c);
	ok(doc_map_set(NULL, "k", doc_int(1)) == -1, "set on NULL map");
	ok(doc_seq_add(m, doc_int(1)) == -1, "seq_add on a map refused");
	ok(doc_fn("Ref", NULL) == NULL, "fn without argument");
	doc_free(m);
	doc_free(NULL);
}

static void
test_equal_order(void)
{
	struct doc	*a = doc_map(), *b = doc_map();

	doc_map_set(a, "x", doc_int(1));
	doc_map_set(a, "y", doc_int(2));
	doc_map_set(b, "y", doc_int(2));
	doc_map_set(b, "x", doc_int(1));
	ok(!doc_equal(a, b), "equality counts map order");
	ok(!doc_equal(doc_map_get(a, "x"), doc_map_get(a, "y")), "ints differ");
	doc_free(a);
	doc_free(b);
	a = doc_strn("a\0b", 3);
	b = doc_strn("a\0c", 3);
	ok(doc_str_len(a) == 3, "strn keeps NUL bytes");
	ok(!doc_equal(a, b), "strings compare past a NUL");
	doc_free(a);
	doc_free(b);
}

static void
test_emit(void)
{
	struct doc	*m = doc_map(), *s = doc_seq(), *ga = doc_seq();
	char		*text;

	doc_map_set(m, "Name", doc_str("say \"hi\"\n\ttab\\ é"));
	doc_map_set(m, "Size", doc_int(-42));
	doc_map_set(m, "Big", doc_int(9007199254740992LL));
	doc_map_set(m, "On", doc_bool(1));
	doc_map_set(m, "Off", doc_bool(0));
	doc_map_set(m, "Nothing", doc_null());
	doc_map_set(m, "Empty", doc_map());
	doc_map_set(m, "None", doc_seq());
	doc_seq_add(s, doc_str("arm64"));
	doc_seq_add(s, doc_fn("Ref", doc_str("Layer")));
	doc_seq_add(ga, doc_str("Fn"));
	doc_seq_add(ga, doc_str("Arn"));
	doc_seq_add(s, doc_fn("Fn::GetAtt", ga));
	doc_map_set(m, "List", s);
	text = emit(m);
	is_str(text,
	    "{\n"
	    "  \"Name\": \"say \\\"hi\\\"\\n\\ttab\\\\ é\",\n"
	    "  \"Size\": -42,\n"
	    "  \"Big\": 9007199254740992,\n"
	    "  \"On\": true,\n"
	    "  \"Off\": false,\n"
	    "  \"Nothing\": null,\n"
	    "  \"Empty\": {},\n"
	    "  \"None\": [],\n"
	    "  \"List\": [\n"
	    "    \"arm64\",\n"
	    "    {\n"
	    "      \"Ref\": \"Layer\"\n"
	    "    },\n"
	    "    {\n"
	    "      \"Fn::GetAtt\": [\n"
	    "        \"Fn\",\n"
	    "        \"Arn\"\n"
	    "      ]\n"
	    "    }\n"
	    "  ]\n"
	    "}\n", "JSON layout, escaping, intrinsics in long form");
	free(text);
	doc_free(m);

	m = doc_str("\x01\x1f");
	text = emit(m);
	is_str(text, "\"\\u0001\\u001f\"\n", "control characters escaped");
	free(text);
	doc_free(m);

	m = doc_int(-9223372036854775807LL - 1);
	text = emit(m);
	is_str(text, "-9223372036854775808\n", "integers printed exactly");
	free(text);
	doc_free(m);
	m = doc_strn("a\0b", 3);
	ok(emit(m) == NULL, "string with NUL refused");
	doc_free(m);
}

static void
test_emit_capped(void)
{
	struct buf	 b;
	struct doc	*s = doc_str("0123456789abcdef");

	buf_init(&b, 8);
	ok(json_emit(s, &b) == -1, "output beyond the buffer cap fails");
	buf_free(&b);
	doc_free(s);
}

static void
test_parse(void)
{
	struct doc	*d;
	char		*text;
	const char	*in =
	    "{\n"
	    "  \"Version\": 1,\n"
	    "  \"AccessKeyId\": \"AKIA\xc3\xa9\",\n"
	    "  \"Nested\": [\n"
	    "    true,\n"
	    "    false,\n"
	    "    null,\n"
	    "    -3,\n"
	    "    {}\n"
	    "  ]\n"
	    "}\n";

	d = parse("\"AKIA\\u00e9\"");
	is_str(doc_str_val(d), "AKIA\xc3\xa9", "\\u escape decoded to UTF-8");
	doc_free(d);
	d = parse(in);
	ok(d != NULL && doc_type(d) == DOC_MAP, "parse object");
	ok(doc_int_val(doc_map_get(d, "Version")) == 1, "integer");
	text = emit(d);
	is_str(text, in, "parse then emit gives the same text");
	free(text);
	doc_free(d);

	d = parse("  [1e3, 2]  \n");
	ok(d != NULL && doc_int_val(doc_seq_at(d, 0)) == 1000,
	    "integral exponent number is an integer");
	doc_free(d);

	ok(parse("1.5") == NULL, "fraction rejected");
	ok(parse("1e300") == NULL, "huge number rejected");
	ok(parse("{\"a\": 1, \"a\": 2}") == NULL, "duplicate key rejected");
	ok(parse("{\"a\": 1} x") == NULL, "trailing text rejected");
	ok(parse("{\"a\": 1,}") == NULL, "trailing comma rejected");
	ok(parse("") == NULL, "empty input rejected");
	ok(parse("{'a': 1}") == NULL, "single quotes rejected");
	ok(parse("[\"a\\u0000b\"]") == NULL, "\\u0000 rejected");
	ok(json_parse("[1]\0", 4, "nul") == NULL, "NUL byte rejected");
	d = parse("[\"a\\\\u0000b\"]");
	is_str(d ? doc_str_val(doc_seq_at(d, 0)) : NULL, "a\\u0000b",
	    "escaped backslash before u0000 is text");
	doc_free(d);
	d = json_parse("{\"k\": \"v\"}garbage", 10, "prefix");
	ok(d != NULL, "only len bytes are read");
	doc_free(d);
}

static void
test_utf8(void)
{
	struct doc	*d;

	ok(doc_utf8_valid("plain ascii", 11), "ASCII is UTF-8");
	ok(doc_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
	    "2, 3 and 4-byte sequences");
	ok(!doc_utf8_valid("\xff", 1), "0xff refused");
	ok(!doc_utf8_valid("\xc3", 1), "cut sequence refused");
	ok(!doc_utf8_valid("\xc0\xaf", 2), "overlong refused");
	ok(!doc_utf8_valid("\xe0\x80\xaf", 3), "overlong 3-byte refused");
	ok(!doc_utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(!doc_utf8_valid("\xf4\x90\x80\x80", 4), "beyond U+10FFFF refused");
	ok(!doc_utf8_valid("a\0b", 3), "NUL refused");
	ok(parse("[\"\xff\"]") == NULL, "JSON text that is not UTF-8 refused");
	d = doc_str("\xf5\x8d\x9e\x8b");
	ok(emit(d) == NULL, "a string that is not UTF-8 is not written");
	doc_free(d);
}

int
main(void)
{
	test_utf8();
	test_map_order();
	test_equal_order();
	test_emit();
	test_emit_capped();
	test_parse();
	return tap_end();
}
