/* YAML in and out of the document model (yamlio.c). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "tap.h"
#include "xalloc.h"
#include "yamlio.h"

static void
quoted(const char *s)
{
	ok(yamlio_needs_quotes(s) == 1, "quote [%s]", s);
}

static void
plain(const char *s)
{
	ok(yamlio_needs_quotes(s) == 0, "plain [%s]", s);
}

static void
test_quoting(void)
{
	static const char *const	must[] = {
		/* booleans, every YAML 1.1 spelling */
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF",
		/* null */
		"", "~", "null", "Null", "NULL",
		/* integers: decimal, YAML 1.1 octal, hex, binary, 1.2 octal */
		"0", "7", "-7", "+12", "256", "012345670123", "0123456789",
		"0x1F", "0xdeadBEEF", "-0x1", "0b1010", "0o17", "1_000",
		/* sexagesimal (YAML 1.1) */
		"1:30", "190:20:30", "-1:30", "190:20:30.15",
		/* floats */
		"1.10", "1.0", "3.14", "-2.5", "1.", ".5", "1e5", "1E-3",
		"6.8523015e+5", "685.230_15e+03", ".inf", ".Inf", ".INF",
		"-.inf", "+.inf", ".nan", ".NaN", ".NAN", "1.2.3", ".", "0x",
		/* timestamps */
		"2010-09-09", "2001-12-14t21:59:43.10-05:00",
		"2001-12-14 21:59:43.10 -5", "2002-12-14", "2010-9-9",
		/* merge and value keys */
		"<<", "=",
		/* indicators and syntax */
		"*", "*star", "&anchor", "!Ref", "!!str", "|", ">", "|x", ">x",
		"'q", "\"q", "%x", "@x", "`x", "#comment", "{x", "}", "[x", "]",
		",x", "?", "? x", "?x", ":", ": x", ":x", "-", "- x", "-\tx",
		"a: b", "a:\tb", "a:", "a #b", "a\t#b", " lead", "trail ",
		"\ttab", "tab\t", "---", "--- x", "...", "... x",
		/* breaks, controls, Unicode breaks and BOM */
		"line\nbreak", "a\rb", "tab\there", "bell\a", "del\x7f",
		"nel\xc2\x85", "ls\xe2\x80\xa8", "ps\xe2\x80\xa9",
		"\xef\xbb\xbf" "bom", "bad\xff", "cut\xc3",
		NULL
	};
	static const char *const	fine[] = {
		"arm64", "x86_64", "provided.al2023", "provided.al2",
		"v2.9.5", "v1.46.3", "mod.handler", "AWS::Lambda::Function",
		"arn:aws:lambda:us-east-1:123456789012:layer:deno-runtime:3",
		"sts:AssumeRole", "lambda:InvokeFunctionUrl",
		"lambda.amazonaws.com", "deno-runtime", "DenoRuntimeLayerStack",
		"7474cc240f4710a8b70d2ddeb3e9590e6f17c7bb4f9a09f56f5cf2ecd14b0780.zip",
		"cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}",
		"/aws/lambda/${Function}", "a-b", "-x", "-1x", "a#b", "x:y",
		"hello world", "caf\xc3\xa9", "\xe2\x82\xac", "1.2.3a", "0xg", "1e", "e5", "yes!", "Nope", "nULL", "onion", "_", "+",
		"1-2", "12-34", "2010-09", "v2010-09-09", "a'b", "a\"b",
		"100%", "x*", "x&y", "a!b", "a|b", "a>b", "a,b", "a[0]",
		"x{{resolve:ssm:x}}", "Fn::Sub", "Deno v2.9.5 custom runtime",
		NULL
	};
	size_t	i;

	for (i = 0; must[i] != NULL; i++)
		quoted(must[i]);
	for (i = 0; fine[i] != NULL; i++)
		plain(fine[i]);
	ok(yamlio_needs_quotes_n("a\0b", 3) == 1, "quote a string with NUL");
	ok(yamlio_needs_quotes_n("ab", 2) == 0, "length-bounded check");
}

static char *
emit(const struct doc *d, const char *comment)
{
	struct buf	 b;
	char		*text;

	buf_init(&b, 0);
	if (yamlio_emit(d, comment, &b) == -1) {
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
	return yamlio_parse(text, strlen(text), "test");
}

static struct doc *
seq2(struct doc *a, struct doc *b)
{
	struct doc	*s = doc_seq();

	doc_seq_add(s, a);
	doc_seq_add(s, b);
	return s;
}

static void
test_emit(void)
{
	struct doc	*m = doc_map(), *gso = doc_map(), *gso2 = doc_map();
	char		*text;

	doc_map_set(m, "Version", doc_str("2010-09-09"));
	doc_map_set(m, "yes", doc_str("on"));
	doc_map_set(m, "Count", doc_int(256));
	doc_map_set(m, "Neg", doc_int(-3));
	doc_map_set(m, "Flag", doc_bool(1));
	doc_map_set(m, "Off", doc_bool(0));
	doc_map_set(m, "None", doc_null());
	doc_map_set(m, "Star", doc_str("*"));
	doc_map_set(m, "Script", doc_str("#!/bin/sh\necho hi\n"));
	doc_map_set(m, "Long", doc_str("word word word word word word word "
	    "word word word word word word word word word word word word "
	    "word word word"));
	doc_map_set(m, "Tab", doc_str("a\tb"));
	doc_map_set(m, "Utf8", doc_str("caf\xc3\xa9"));
	doc_map_set(m, "Ref", doc_fn("Ref", doc_str("Layer")));
	doc_map_set(m, "Att", doc_fn("Fn::GetAtt", seq2(doc_str("Fn"),
	    doc_str("Arn"))));
	doc_map_set(m, "B64", doc_fn("Fn::Base64", doc_fn("Fn::Sub",
	    doc_str("x${AWS::Region}"))));
	doc_map_set(gso, "StackName", doc_str("DenoRuntimeLayerStack"));
	doc_map_set(gso, "OutputName", doc_str("LayerArn"));
	doc_map_set(m, "Weak", doc_fn("Fn::GetStackOutput", gso));
	doc_map_set(gso2, "StackName", doc_fn("Ref", doc_str("P")));
	doc_map_set(gso2, "OutputName", doc_str("LayerArn"));
	doc_map_set(m, "Weak2", doc_fn("Fn::GetStackOutput", gso2));
	doc_map_set(m, "Join", doc_fn("Fn::Join", seq2(doc_str(""),
	    seq2(doc_str("a"), doc_fn("Ref", doc_str("B"))))));
	doc_map_set(m, "Custom", doc_fn("Fn::ForEach::X", doc_str("y")));
	doc_map_set(m, "Empty", doc_map());
	doc_map_set(m, "List", doc_seq());
	text = emit(m, "Generated by a test");
	is_str(text,
	    "# Generated by a test\n"
	    "Version: '2010-09-09'\n"
	    "'yes': 'on'\n"
	    "Count: 256\n"
	    "Neg: -3\n"
	    "Flag: true\n"
	    "'Off': false\n"
	    "None: null\n"
	    "Star: '*'\n"
	    "Script: |\n"
	    "  #!/bin/sh\n"
	    "  echo hi\n"
	    "Long: word word word word word word word word word word word word "
	    "word word word word word word word word word word\n"
	    "Tab: \"a\\tb\"\n"
	    "Utf8: caf\xc3\xa9\n"
	    "Ref: !Ref Layer\n"
	    "Att: !GetAtt Fn.Arn\n"
	    "B64:\n"
	    "  Fn::Base64: !Sub x${AWS::Region}\n"
	    "Weak: !GetStackOutput\n"
	    "  StackName: DenoRuntimeLayerStack\n"
	    "  OutputName: LayerArn\n"
	    "Weak2:\n"
	    "  Fn::GetStackOutput:\n"
	    "    StackName: !Ref P\n"
	    "    OutputName: LayerArn\n"
	    "Join: !Join\n"
	    "- ''\n"
	    "- - a\n"
	    "  - !Ref B\n"
	    "Custom:\n"
	    "  Fn::ForEach::X: 'y'\n"
	    "Empty: {}\n"
	    "List: []\n",
	    "short forms, long form inside another, quoting, literal block, "
	    "no folding");
	free(text);
	ok(emit(m, "two\nlines") == NULL, "a multi-line comment is refused");
	doc_map_set(m, "bad", doc_str("Exp\xdd\x82\xf5\x8d\x9e\x8b"));
	ok(emit(m, NULL) == NULL, "a string that is not UTF-8 is refused");
	doc_free(m);

	m = doc_map();
	doc_map_set(m, "a", doc_fn("Ref", doc_int(5)));
	doc_map_set(m, "b", doc_fn("Fn::GetAtt", doc_str("A.B")));
	text = emit(m, NULL);
	is_str(text, "a:\n  Ref: 5\nb:\n  Fn::GetAtt: A.B\n",
	    "long form for a typed argument and a GetAtt string");
	{
		struct doc	*back = text ? parse(text) : NULL;

		ok(doc_equal(m, back), "... which read back the same");
		doc_free(back);
	}
	free(text);
	doc_free(m);

	m = doc_fn("Fn::GetAtt", seq2(doc_str("A.B"), doc_str("C")));
	text = emit(m, NULL);
	is_str(text, "!GetAtt\n- A.B\n- C\n",
	    "GetAtt whose resource has a dot stays a list");
	free(text);
	doc_free(m);
}

static void
test_parse(void)
{
	struct doc	*d, *want, *props;
	char		*text;
	const char	*in =
	    "# a comment\n"
	    "AWSTemplateFormatVersion: \"2010-09-09\"\n"
	    "Resources:\n"
	    "  Fn:\n"
	    "    Type: AWS::Lambda::Function   # trailing comment\n"
	    "    Properties:\n"
	    "      Role: !GetAtt Role.Arn\n"
	    "      Long:\n"
	    "        Fn::GetAtt: [Role, Arn]\n"
	    "      Ref: {Ref: X}\n"
	    "      Size: 256\n"
	    "      Neg: -4\n"
	    "      Enabled: true\n"
	    "      Nil: ~\n"
	    "      Str: !!str 012\n"
	    "      Arch: [arm64]\n"
	    "      Script: |\n"
	    "        a\n"
	    "        b\n";

	d = parse(in);
	ok(d != NULL, "parse a skeleton");
	props = doc_map_get(doc_map_get(doc_map_get(d, "Resources"), "Fn"),
	    "Properties");
	is_str(doc_str_val(doc_map_get(d, "AWSTemplateFormatVersion")),
	    "2010-09-09", "quoted date is a string");
	want = doc_fn("Fn::GetAtt", seq2(doc_str("Role"), doc_str("Arn")));
	ok(doc_equal(doc_map_get(props, "Role"), want),
	    "!GetAtt A.B becomes Fn::GetAtt [A, B]");
	ok(doc_equal(doc_map_get(props, "Long"), want),
	    "long form becomes the same intrinsic");
	doc_free(want);
	ok(doc_type(doc_map_get(props, "Ref")) == DOC_FN &&
	    strcmp(doc_fn_name(doc_map_get(props, "Ref")), "Ref") == 0,
	    "{Ref: X} is an intrinsic");
	ok(doc_type(doc_map_get(props, "Size")) == DOC_INT &&
	    doc_int_val(doc_map_get(props, "Size")) == 256, "integer");
	ok(doc_int_val(doc_map_get(props, "Neg")) == -4, "negative integer");
	ok(doc_type(doc_map_get(props, "Enabled")) == DOC_BOOL, "true is a boolean");
	ok(doc_type(doc_map_get(props, "Nil")) == DOC_NULL, "~ is null");
	is_str(doc_str_val(doc_map_get(props, "Str")), "012", "!!str");
	is_str(doc_str_val(doc_map_get(props, "Script")), "a\nb\n",
	    "literal block");
	text = emit(d, NULL);
	doc_free(want = parse(text));
	ok(text != NULL && strstr(text, "Long: !GetAtt Role.Arn\n") != NULL,
	    "long form comes out short");
	free(text);
	doc_free(d);

	ok(parse("a: yes\n") == NULL, "plain yes refused");
	ok(parse("a: 1.10\n") == NULL, "plain 1.10 refused");
	ok(parse("a: 012\n") == NULL, "plain 012 refused");
	ok(parse("a: 2010-09-09\n") == NULL, "plain date refused");
	ok(parse("a: &x 1\nb: *x\n") == NULL, "anchors refused");
	ok(parse("a: 1\na: 2\n") == NULL, "duplicate key refused");
	ok(parse("a: !Bogus x\n") == NULL, "unknown tag refused");
	ok(parse("a: !!int 1\n") == NULL, "other standard tags refused");
	ok(parse("a: 1\n---\nb: 2\n") == NULL, "two documents refused");
	ok(parse("a: [1\n") == NULL, "syntax error reported");
	ok(parse("[a]: 1\n") == NULL, "non-string key refused");
	ok(parse("true: 1\n") == NULL, "boolean key refused");
	ok(parse("\"a\\0b\": 1\n") == NULL, "key with a NUL refused");
	d = parse("");
	ok(d == NULL, "empty input refused");
	doc_free(d);
}

/* A deterministic PRNG, so a failure can be reproduced. */
static uint32_t	rng = 12345;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static char *
random_string(void)
{
	static const char *const	pieces[] = { "a", "Z", "0", "1", "7",
	    "9", ".", "-", "+", "_", ":", " ", "#", "'", "\"", "\\", "\n",
	    "\t", "*", "&", "!", "|", ">", "%", "@", "`", "{", "}", "[",
	    "]", ",", "?", "~", "e", "E", "x", "o", "b", "yes", "no", "on",
	    "null", "true", ".inf", "2010-09-09", "\xc3\xa9", "\xe2\x80\xa8",
	    "---", "...", "<<", "=", "${AWS::Region}", "\r", "\x01" };
	struct buf	 b;
	size_t		 n = rnd() % 6, i;
	char		*text;

	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		if (buf_adds(&b, pieces[rnd() % (sizeof(pieces) /
		    sizeof(pieces[0]))]) == -1)
			abort();
	text = buf_steal(&b);
	buf_free(&b);
	return text;
}

/* emit -> parse gives back the same strings, typed values and intrinsics. */
static void
test_round_trip(void)
{
	int	i, bad = 0;

	for (i = 0; i < 5000 && bad < 5; i++) {
		struct doc	*m = doc_map(), *back;
		char		*k = random_string(), *v = random_string();
		char		*text;

		doc_map_set(m, "key", doc_str(v));
		doc_map_set(m, *k ? k : "k", doc_seq());
		doc_seq_add(doc_map_get(m, *k ? k : "k"), doc_str(k));
		doc_map_set(m, "sub", doc_fn("Fn::Sub", doc_str(v)));
		doc_map_set(m, "n", doc_int((long long)rnd() - 2147483648LL));
		text = emit(m, NULL);
		back = text ? parse(text) : NULL;
		if (!doc_equal(m, back)) {
			bad++;
			ok(0, "round trip of [%s] [%s]", k, v);
			printf("# %s\n", text ? text : "(emit failed)");
		}
		doc_free(back);
		doc_free(m);
		free(text);
		free(k);
		free(v);
	}
	ok(bad == 0, "5000 random documents survive emit and parse");
}

static void
test_emit_capped(void)
{
	struct buf	 b;
	struct doc	*s = doc_str("0123456789abcdef0123456789");

	buf_init(&b, 8);
	ok(yamlio_emit(s, NULL, &b) == -1, "output beyond the buffer cap fails");
	buf_free(&b);
	doc_free(s);
}

int
main(void)
{
	test_quoting();
	test_emit();
	test_parse();
	test_round_trip();
	test_emit_capped();
	return tap_end();
}
