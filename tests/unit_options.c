/* Validators of user input (options.c). */
#include "config.h"

#include <stdlib.h>

#include "digest.h"
#include "log.h"
#include "options.h"
#include "regions.h"
#include "tap.h"

static void
version(const char *in, const char *want)
{
	char	*norm = NULL;
	int	 rc = valid_deno_version(in, &norm);

	if (want == NULL)
		ok(rc == -1 && norm == NULL, "deno version %s rejected", in);
	else
		is_str(rc == 0 ? norm : NULL, want, in);
	free(norm);
}

int
main(void)
{
	version("v1.46.3", "v1.46.3");
	version("1.46.3", "v1.46.3");
	version("latest", "latest");
	version("v2.0.0-rc.1", "v2.0.0-rc.1");
	version("v1.46", NULL);
	version("1.x", NULL);
	version("v01.2.3", NULL);
	version("v1.2.3.4", NULL);
	version("", NULL);
	version("v1.2.3-", NULL);
	version("v1.2.3-a b", NULL);

	ok(valid_layer_arn("arn:aws:lambda:us-east-1:123456789012:layer:deno-runtime:3") == 0, "layer ARN");
	ok(valid_layer_arn("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:layer:x_y:12") == 0, "GovCloud layer ARN");
	ok(valid_layer_arn("arn:aws-cn:lambda:cn-north-1:123456789012:layer:deno:1") == 0, "China layer ARN");
	ok(valid_layer_arn("arn:aws:lambda:us-east-1:123456789012:layer:deno-runtime") == -1, "ARN without version");
	ok(valid_layer_arn("arn:aws:lambda:us-east-1:123456789012:layer:deno-runtime:0") == -1, "ARN version 0");
	ok(valid_layer_arn("arn:aws:lambda:us-east-1:12345678901:layer:deno:1") == -1, "11-digit account");
	ok(valid_layer_arn("arn:aws:lambda:us-east-1:123456789012:function:deno:1") == -1, "function ARN");
	ok(valid_layer_arn("arn:azure:lambda:us-east-1:123456789012:layer:deno:1") == -1, "unknown partition");
	ok(valid_layer_arn("arn:aws:lambda:US-EAST-1:123456789012:layer:deno:1") == -1, "upper-case region");
	ok(valid_layer_arn("arn:aws:lambda:us-east-1:123456789012:layer:de.no:1") == -1, "dot in layer name");
	ok(valid_layer_arn("arn:aws:lambda:us-east-1:123456789012:layer:deno:1:2") == -1, "extra field");

	ok(valid_layer_name("deno-runtime") == 0, "layer name");
	ok(valid_layer_name("a") == 0, "one-character layer name");
	ok(valid_layer_name("") == -1, "empty layer name");
	ok(valid_layer_name("deno runtime") == -1, "space in layer name");
	ok(valid_layer_name("deno.runtime") == -1, "dot in layer name");

	ok(valid_bucket_name("my-bucket") == 0, "bucket");
	ok(valid_bucket_name("my.bucket.example") == 0, "bucket with dots");
	ok(valid_bucket_name("ab") == -1, "bucket too short");
	ok(valid_bucket_name("My-Bucket") == -1, "upper-case bucket");
	ok(valid_bucket_name("my_bucket") == -1, "underscore in bucket");
	ok(valid_bucket_name("my..bucket") == -1, "adjacent dots");
	ok(valid_bucket_name("-bucket") == -1, "leading hyphen");
	ok(valid_bucket_name("bucket-") == -1, "trailing hyphen");
	ok(valid_bucket_name("192.168.5.4") == -1, "IP-address bucket");
	ok(valid_bucket_name("xn--bucket") == -1, "xn-- prefix");
	ok(valid_bucket_name("bucket-s3alias") == -1, "-s3alias suffix");
	ok(valid_bucket_name("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") == 0, "63 characters");
	ok(valid_bucket_name("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") == -1, "64 characters");

	ok(valid_log_retention(30) == 0, "retention 30");
	ok(valid_log_retention(3653) == 0, "retention 3653");
	ok(valid_log_retention(31) == -1, "retention 31");
	ok(valid_log_retention(0) == -1, "retention 0");

	ok(valid_sha256_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0, "sha256 hex");
	ok(valid_sha256_hex("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855") == 0, "upper-case sha256 hex");
	ok(valid_sha256_hex("e3b0c442") == -1, "short sha256");
	ok(valid_sha256_hex("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == -1, "non-hex sha256");
	{
		const char	*why;

		ok(valid_share("public", &why) == 0, "--share public");
		ok(valid_share("111122223333", &why) == 0, "--share account");
		ok(valid_share("111122223333,444455556666,o-a1b2c3d4e5", &why)
		    == 0, "--share accounts and an organization");
		ok(valid_share("o-abcdefghijklmnopqrstuvwxyz012345", &why) == 0,
		    "--share 32-character organization");
		ok(valid_share("o-abcdefghijklmnopqrstuvwxyz0123456", &why) == -1,
		    "--share 33-character organization");
		ok(valid_share("o-abcdefghi", &why) == -1, "--share short org");
		ok(valid_share("public,111122223333", &why) == -1 && why != NULL,
		    "--share public with an account");
		ok(valid_share("111122223333,111122223333", &why) == -1,
		    "--share account twice");
		ok(valid_share("1111222233334", &why) == -1, "--share 13 digits");
		ok(valid_share("", &why) == -1, "--share empty");
		ok(valid_share("111122223333,,444455556666", &why) == -1,
		    "--share empty entry");
		ok(valid_share("PUBLIC", &why) == -1, "--share PUBLIC");
	}

	ok(valid_region("us-east-1") == 0, "region");
	ok(valid_region("us-gov-west-1") == 0, "GovCloud region");
	ok(valid_region("eu-isoe-west-1") == 0, "ISO region");
	ok(valid_region("US_EAST_1") == -1, "upper-case region");
	ok(valid_region("us-east-") == -1, "trailing hyphen");
	ok(valid_region("useast1") == -1, "region without parts");
	ok(valid_region("us-east-x") == -1, "region without number");
	ok(valid_region("") == -1, "empty region");
	ok(valid_region("us-east-1/../x") == -1, "region with a path");

	ok(valid_endpoint_url("http://127.0.0.1:9") == 0, "endpoint URL");
	ok(valid_endpoint_url("https://s3.example.com/base/") == 0, "endpoint URL with a path");
	ok(valid_endpoint_url("http://127.0.0.1:9/?x") == -1, "endpoint URL with a query");
	ok(valid_endpoint_url("http://127.0.0.1:9/#x") == -1, "endpoint URL with a fragment");
	ok(valid_endpoint_url("http://user@127.0.0.1:9") == -1, "endpoint URL with a user");
	ok(valid_endpoint_url("ftp://example.com") == -1, "ftp URL");
	ok(valid_endpoint_url("http://") == -1, "URL without a host");
	ok(valid_endpoint_url("http:///x") == -1, "URL with an empty host");
	ok(valid_endpoint_url("http://a b") == -1, "URL with a blank");
	ok(valid_endpoint_url("http://a\x01b") == -1, "URL with a control character");
	{
		const char	*why;

		ok(valid_region_list("us-east-1", &why) == 0, "one region");
		ok(valid_region_list("us-east-1,eu-west-1,ap-southeast-2", &why)
		    == 0, "three regions");
		ok(valid_region_list("us-east-1,eu-west-1,us-east-1", &why) == -1,
		    "a region twice");
		ok(valid_region_list("us-east-1,", &why) == -1, "empty region");
		ok(valid_region_list("us-east-1,moon", &why) == -1, "not a region");
	}
	ok(regions_pattern_problem("layers-{region}") == NULL, "pattern");
	ok(regions_pattern_problem("l-{account}-{region}") == NULL,
	    "pattern with account");
	ok(regions_pattern_problem("layers") != NULL, "pattern without region");
	ok(regions_pattern_problem("l-{account}") != NULL,
	    "pattern with account only");
	ok(regions_pattern_problem("l-{region}-{acct}") != NULL,
	    "unknown placeholder");
	ok(regions_pattern_problem("l-{region}}") != NULL, "stray brace");
	ok(regions_pattern_problem("L-{region}") != NULL, "upper case");
	ok(regions_pattern_problem("-{region}") != NULL, "leading hyphen");
	{
		char	*s = regions_pattern_expand("a-{account}-{region}",
		    "eu-west-1", "111122223333");

		is_str(s, "a-111122223333-eu-west-1", "pattern expanded");
		free(s);
		s = regions_pattern_sub("a-{account}-{region}.x");
		is_str(s, "a-${AWS::AccountId}-${AWS::Region}.x",
		    "pattern as Fn::Sub");
		free(s);
	}

	{
		struct options	o;

		log_set_level(LOG_SILENT);
		options_init(&o);
		ok(options_set(&o, "prefix", "layers/v1.2/..x/.y/") == 0,
		    "--prefix: dots inside names are fine");
		ok(options_set(&o, "prefix", "a/..") == 0,
		    "--prefix: a last part .. is joined to the digest");
		ok(options_set(&o, "prefix", "a/../b/") == -1, "--prefix a/../b/");
		ok(options_set(&o, "prefix", "./b/") == -1, "--prefix ./b/");
		ok(options_set(&o, "prefix", "a/./") == -1, "--prefix a/./");
		ok(options_set(&o, "prefix", "a//b/") == -1, "--prefix a//b/");
		ok(options_set(&o, "prefix", "/a/") == -1, "--prefix /a/");
		ok(options_set(&o, "prefix", "a\rb/") == -1,
		    "--prefix with a control character");
		options_free(&o);
	}
	return tap_end();
}
