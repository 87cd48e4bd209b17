package config

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMatch(t *testing.T) {
	cases := []struct {
		in    string
		n     int
		final bool
		err   string
	}{
		{"all", 1, false, ""},
		{"all # comment", 1, false, ""},
		{"canonical all", 2, false, ""},
		{"final all", 2, true, ""},
		{"host a,b !originalhost c", 2, false, ""},
		{`exec "test -f /x"`, 1, false, ""},
		{"host=a", 1, false, ""},
		{"Host A USER b", 2, false, ""},
		{"all all", 0, false, "'all' cannot be combined with other Match attributes"},
		{"host a user b all", 0, false, "'all' cannot be combined"},
		{"host", 0, false, "missing Match criteria for host"},
		{"host # c", 0, false, "missing Match criteria for host"},
		{"tagged x", 0, false, "unsupported Match attribute tagged"},
		{"# only a comment", 0, false, "one or more attributes required for Match"},
	}
	for _, c := range cases {
		crit, final, msg := parseMatch(c.in)
		if c.err != "" {
			if !strings.HasPrefix(msg, c.err) {
				t.Errorf("parseMatch(%q) error = %q, want %q", c.in, msg, c.err)
			}
			continue
		}
		if msg != "" || len(crit) != c.n || final != c.final {
			t.Errorf("parseMatch(%q) = %d criteria, final %v, %q", c.in, len(crit), final, msg)
		}
	}
}

func TestMatchCriteria(t *testing.T) {
	c := loadText(t, strings.Join([]string{
		"Host short",
		"  HostName Long.Example.COM",
		"Match host long.example.com",
		"  User viahost",
		"Match originalhost SHORT",
		"  Port 2001",
		"Match user carol",
		"  ConnectTimeout 3",
		"Match localuser me !host *.example.com",
		"  ServerAliveCountMax 9",
		"Match !localuser me",
		"  BatchMode yes",
		"Match all",
		"  IdentitiesOnly yes",
	}, "\n"))
	r := resolve(t, c, "short")
	if r.User() != "viahost" || r.Port() != 2001 {
		t.Errorf("short: %s:%d", r.User(), r.Port())
	}
	if n, _ := r.ServerAliveCountMax(); n != 3 {
		t.Errorf("short: count max %d; negated host must exclude it", n)
	}
	if !r.IdentitiesOnly() || r.BatchMode() {
		t.Error("Match all / !localuser wrong")
	}
	r, err := c.Resolve("other", ResolveOptions{User: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	if r.ConnectTimeout().Seconds() != 3 || r.User() != "carol" {
		t.Errorf("user carol: timeout %v user %s", r.ConnectTimeout(), r.User())
	}
	if n, _ := r.ServerAliveCountMax(); n != 9 {
		t.Errorf("localuser: count max %d", n)
	}
}

func TestMatchHostLineCaseSensitive(t *testing.T) {
	c := loadText(t, "Host Web\n  Port 1\nHost web\n  Port 2\n")
	if p := resolve(t, c, "web").Port(); p != 2 {
		t.Errorf("port %d", p)
	}
	if p := resolve(t, c, "Web").Port(); p != 1 {
		t.Errorf("port %d", p)
	}
}

func TestMatchExec(t *testing.T) {
	c := loadText(t, strings.Join([]string{
		"Match exec true",
		"  User ran",
		`Match exec "test %h = target" exec "test %u = me"`,
		"  Port 1234",
		"Match !exec false",
		"  ConnectTimeout 7",
		"Match host nomatch exec false",
		"  BatchMode yes",
	}, "\n"))
	r, err := c.Resolve("target", ResolveOptions{RunExec: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.User() != "ran" || r.Port() != 1234 || r.ConnectTimeout().Seconds() != 7 || r.BatchMode() {
		t.Errorf("with exec: %s:%d timeout %v batch %v", r.User(), r.Port(), r.ConnectTimeout(), r.BatchMode())
	}
	if r.ExecSkipped() {
		t.Error("ExecSkipped with RunExec")
	}
	// Listing never runs commands: exec criteria fail.
	r = resolve(t, c, "target")
	if r.User() != "me" || r.Port() != 22 || !r.ExecSkipped() {
		t.Errorf("without exec: %s:%d skipped=%v", r.User(), r.Port(), r.ExecSkipped())
	}
	if r.ConnectTimeout() != 0 {
		t.Error("!exec must not match when commands are not run")
	}
}

func TestMatchExecErrors(t *testing.T) {
	c := loadText(t, "Host *\n  User u\nMatch exec \"kill -9 $$\"\n  Port 1\n")
	_, err := c.Resolve("x", ResolveOptions{RunExec: true})
	if err == nil || !errors.Is(err, ErrFatal) || !strings.Contains(err.Error(), "/home/me/.ssh/config:3:") {
		t.Errorf("exec killed by a signal: err = %v", err)
	}
	c = loadText(t, "Match exec \"echo %Z\"\n  Port 1\n")
	_, err = c.Resolve("x", ResolveOptions{})
	if err == nil || !strings.Contains(err.Error(), "unknown key %Z") {
		t.Errorf("bad token in exec: err = %v", err)
	}
}

func TestMatchFinalAndCanonical(t *testing.T) {
	c := loadText(t, strings.Join([]string{
		"Host alias",
		"  HostName real.example",
		"Host real.example",
		"  User pass2",
		"Match canonical",
		"  Port 99",
		"Match final",
		"  HostName ignored",
		"  ServerAliveInterval 4",
	}, "\n"))
	r := resolve(t, c, "alias")
	if r.User() != "pass2" || r.HostName() != "real.example" {
		t.Errorf("final pass: %s@%s", r.User(), r.HostName())
	}
	// "Match canonical" holds in the final pass, which "Match final" asked for.
	if r.Port() != 99 {
		t.Errorf("port %d", r.Port())
	}

	// Without "final" and without CanonicalizeHostname there is one pass:
	// "canonical" never matches and Host lines see only the alias.
	c = loadText(t, "Host alias\n  HostName real.example\nHost real.example\n  User pass2\nMatch canonical\n  Port 99\n")
	r = resolve(t, c, "alias")
	if r.User() != "me" || r.Port() != 22 {
		t.Errorf("single pass: %s:%d", r.User(), r.Port())
	}

	// CanonicalizeHostname triggers the second pass; without DNS the name
	// is kept (CanonicalizeFallbackLocal yes)...
	c = loadText(t, "CanonicalizeHostname yes\nCanonicalDomains example.com\nMatch canonical\n  Port 99\n")
	if r = resolve(t, c, "web"); r.Port() != 99 || r.HostName() != "web" {
		t.Errorf("canonicalize: %s:%d", r.HostName(), r.Port())
	}
	// ...and with a resolver the suffix is applied.
	lookup := func(name string) (string, bool) { return "", name == "web.example.com." }
	r, err := c.Resolve("web", ResolveOptions{Lookup: lookup})
	if err != nil || r.HostName() != "web.example.com" {
		t.Errorf("canonicalize with DNS: %v %v", r, err)
	}
	// CanonicalizeFallbackLocal no makes an unknown name fatal.
	c = loadText(t, "CanonicalizeHostname yes\nCanonicalDomains example.com\nCanonicalizeFallbackLocal no\n")
	if _, err := c.Resolve("web", ResolveOptions{}); !errors.Is(err, ErrFatal) {
		t.Errorf("fallback no: err = %v", err)
	}
}
