/*
 * The XML reader on what S3 and STS send, and on what they should not.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"
#include "xalloc.h"
#include "xml.h"

static const char s3_error[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Error><Code>SignatureDoesNotMatch</Code>"
    "<Message>The request signature we calculated does not match the "
    "signature you provided. Check your key &amp; signing method.</Message>"
    "<AWSAccessKeyId>AKIAEXAMPLE</AWSAccessKeyId>"
    "<StringToSign><![CDATA[AWS4-HMAC-SHA256 <raw>]]></StringToSign>"
    "<RequestId>4442587FB7D0A2F9</RequestId><HostId/></Error>";

static const char sts_reply[] =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\r\n"
    "  <GetCallerIdentityResult>\r\n"
    "    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>\r\n"
    "    <UserId>AIDAEXAMPLE</UserId>\r\n"
    "    <!-- a comment -->\r\n"
    "    <Account>123456789012</Account>\r\n"
    "  </GetCallerIdentityResult>\r\n"
    "  <ResponseMetadata>\r\n"
    "    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\r\n"
    "  </ResponseMetadata>\r\n"
    "</GetCallerIdentityResponse>\r\n";

static const char sts_error[] =
    "<ErrorResponse xmlns='https://sts.amazonaws.com/doc/2011-06-15/'>"
    "<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
    "<Message>The security token included in the request is invalid&#46;"
    " &#x263A;</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";

static void
test_good(void)
{
	struct xml	*x;

	x = xml_parse(s3_error, sizeof(s3_error) - 1, NULL, NULL);
	ok(x != NULL, "an S3 error document parses");
	is_str(xml_get(x, "Error/Code"), "SignatureDoesNotMatch", "Error/Code");
	is_str(xml_get(x, "Error/Message"), "The request signature we "
	    "calculated does not match the signature you provided. Check your "
	    "key & signing method.", "Error/Message, &amp; decoded");
	is_str(xml_get(x, "Error/StringToSign"), "AWS4-HMAC-SHA256 <raw>",
	    "CDATA is text");
	is_str(xml_get(x, "Error/HostId"), "", "an empty element");
	ok(xml_get(x, "Error/Nope") == NULL, "a missing element is NULL");
	ok(xml_get(x, "Code") == NULL, "paths start at the root");
	xml_free(x);

	x = xml_parse(sts_reply, sizeof(sts_reply) - 1, NULL, NULL);
	ok(x != NULL, "an STS reply with a namespace, CRLF and a comment parses");
	is_str(xml_get(x, "GetCallerIdentityResponse/GetCallerIdentityResult/"
	    "Account"), "123456789012", "the account");
	is_str(xml_get(x, "GetCallerIdentityResponse/ResponseMetadata/"
	    "RequestId"), "01234567-89ab-cdef-0123-456789abcdef", "request id");
	xml_free(x);

	x = xml_parse(sts_error, sizeof(sts_error) - 1, NULL, NULL);
	is_str(xml_get(x, "ErrorResponse/Error/Message"), "The security token "
	    "included in the request is invalid. \xe2\x98\xba",
	    "character references decoded to UTF-8");
	xml_free(x);

	x = xml_parse("<a:E xmlns:a='u'><a:Code>X</a:Code></a:E>", 41, NULL,
	    NULL);
	is_str(xml_get(x, "E/Code"), "X", "namespace prefixes ignored");
	xml_free(x);
}

/* A CloudFormation answer: lists of <member>, as DescribeStacks sends. */
static const char cfn_reply[] =
    "<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/"
    "doc/2010-05-15/\"><DescribeStacksResult><Stacks><member>"
    "<StackName>S</StackName><Outputs>"
    "<member><OutputKey>A</OutputKey><OutputValue>1</OutputValue></member>"
    "<other/>"
    "<member><OutputKey>B</OutputKey><OutputValue/></member>"
    "</Outputs></member></Stacks></DescribeStacksResult>"
    "</DescribeStacksResponse>";

static void
test_lists(void)
{
	struct xml	*x;
	int		 st, m;

	x = xml_parse(cfn_reply, sizeof(cfn_reply) - 1, NULL, NULL);
	st = xml_find(x, -1, "DescribeStacksResponse/DescribeStacksResult/"
	    "Stacks/member");
	ok(st >= 0, "xml_find from the top");
	is_str(xml_find_text(x, st, "StackName"), "S", "a path below an element");
	m = xml_find(x, st, "Outputs/member");
	is_str(xml_find_text(x, m, "OutputKey"), "A", "first member");
	m = xml_next(x, m);
	is_str(xml_find_text(x, m, "OutputKey"), "B",
	    "xml_next skips siblings of other names");
	is_str(xml_find_text(x, m, "OutputValue"), "", "an empty element is \"\"");
	ok(xml_next(x, m) == -1, "the last member has no next");
	ok(xml_find(x, st, "Nope") == -1 && xml_text(x, -1) == NULL &&
	    xml_find_text(x, -1, "Stacks") == NULL, "absent is -1 and NULL");
	ok(xml_find(NULL, -1, "a") == -1 && xml_next(NULL, 0) == -1,
	    "NULL documents are empty");
	xml_free(x);
}

static const struct {
	const char	*text;
	const char	*why;
	int		 line;
} bad[] = {
	{ "", "no root element", 1 },
	{ "junk", "text before the root element", 1 },
	{ "<a>", "unexpected end: an element is not closed", 1 },
	{ "<a></b>", "end tag does not match the start tag", 1 },
	{ "<a>\n<b></a>", "end tag does not match the start tag", 2 },
	{ "<a/>x", "text after the root element", 1 },
	{ "<a/><b/>", "text after the root element", 1 },
	{ "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
	  "DOCTYPE and declarations are not accepted", 1 },
	{ "<a>&x;</a>", "unknown entity", 1 },
	{ "<a>&#0;</a>", "bad character reference", 1 },
	{ "<a>&#xD800;</a>", "bad character reference", 1 },
	{ "<a>&#x110000;</a>", "character reference out of range", 1 },
	{ "<a>&#12</a>", "bad character reference", 1 },
	{ "<a b=c/>", "expected a quoted attribute value", 1 },
	{ "<a b='<'/>", "< in an attribute value", 1 },
	{ "<a b='x", "unterminated attribute value", 1 },
	{ "<a b='1'c='2'/>", "expected a blank, > or /> in a tag", 1 },
	{ "<a><!-- x </a>", "unterminated comment", 1 },
	{ "<a><![CDATA[x</a>", "unterminated CDATA", 1 },
	{ "<1/>", "expected an element name after <", 1 },
	{ "<a><!ELEMENT x></a>", "declaration inside an element", 1 },
};

static void
test_bad(void)
{
	struct buf	 deep;
	const char	*why;
	struct xml	*x;
	size_t		 i;
	int		 line;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		line = 0;
		x = xml_parse(bad[i].text, strlen(bad[i].text), &why, &line);
		ok(x == NULL && why != NULL && strcmp(why, bad[i].why) == 0 &&
		    line == bad[i].line, "refused, case %zu: %s, line %d", i,
		    bad[i].why, bad[i].line);
		if (why != NULL && strcmp(why, bad[i].why) != 0)
			printf("# got: %s, line %d\n", why, line);
		xml_free(x);
	}
	x = xml_parse("<a>\0</a>", 8, &why, &line);
	ok(x == NULL && strcmp(why, "NUL byte") == 0, "a NUL byte is refused");

	buf_init(&deep, 0);
	for (i = 0; i < 100; i++)
		if (buf_adds(&deep, "<a>") == -1)
			abort();
	for (i = 0; i < 100; i++)
		if (buf_adds(&deep, "</a>") == -1)
			abort();
	x = xml_parse(deep.data, deep.len, &why, &line);
	ok(x == NULL && strcmp(why, "elements nested too deeply") == 0,
	    "100 levels of nesting are refused");
	buf_reset(&deep);
	if (buf_adds(&deep, "<a>") == -1)
		abort();
	for (i = 0; i < 20000; i++)
		if (buf_adds(&deep, "<b/>") == -1)
			abort();
	if (buf_adds(&deep, "</a>") == -1)
		abort();
	x = xml_parse(deep.data, deep.len, &why, &line);
	ok(x == NULL && strcmp(why, "too many elements") == 0,
	    "20000 elements are refused");
	buf_free(&deep);
}

int
main(void)
{
	test_good();
	test_lists();
	test_bad();
	return tap_end();
}
