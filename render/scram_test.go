package render

import "testing"

func TestScramVerifier(t *testing.T) {
	// Computed independently with Python's hashlib.pbkdf2_hmac and hmac, per RFC 5802/7677.
	const want = "SCRAM-SHA-256$4096:t20nB/6ED1wfVM9yYEw4kw==$3rvSJ32aI6eQmf5nG9wV8S8wO017KMNINmJUz+aE+W8=:c9f10o3Tf0HaetrzYHDay1PAufnncxKsY2nAbuSkYVc="
	if got := ScramVerifier("pg-test", "test", "correct horse"); got != want {
		t.Errorf("ScramVerifier = %s\nwant %s", got, want)
	}
	if ScramVerifier("pg-test", "test", "x") == ScramVerifier("pg-test", "other", "x") {
		t.Error("two users with one password share a verifier: the salt must differ")
	}
}

func TestQuoting(t *testing.T) {
	cases := []struct{ in, yaml, ident, literal string }{
		{`plain`, `"plain"`, `"plain"`, `'plain'`},
		{`a"b\c`, `"a\"b\\c"`, `"a""b\c"`, `'a"b\c'`},
		{"it's\nnew", `"it's\u000anew"`, "\"it's\nnew\"", "'it''s\nnew'"},
		{"$(x) `y`", "\"$(x) `y`\"", "\"$(x) `y`\"", "'$(x) `y`'"},
	}
	for _, c := range cases {
		if got := yamlQuote(c.in); got != c.yaml {
			t.Errorf("yamlQuote(%q) = %s, want %s", c.in, got, c.yaml)
		}
		if got := sqlIdent(c.in); got != c.ident {
			t.Errorf("sqlIdent(%q) = %s, want %s", c.in, got, c.ident)
		}
		if got := sqlLiteral(c.in); got != c.literal {
			t.Errorf("sqlLiteral(%q) = %s, want %s", c.in, got, c.literal)
		}
	}
}
