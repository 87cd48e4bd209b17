package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestArgvSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"a b\tc", []string{"a", "b", "c"}, true},
		{`"a b" c`, []string{"a b", "c"}, true},
		{`'a "b"' c`, []string{`a "b"`, "c"}, true},
		{`a\ b`, []string{"a b"}, true},
		{`a\"b`, []string{`a"b`}, true},
		{`a\xb`, []string{`a\xb`}, true},
		{`x"y z"w`, []string{"xy zw"}, true},
		{"a # comment", []string{"a"}, true},
		{"a#notcomment", []string{"a#notcomment"}, true},
		{`"unterminated`, nil, false},
		{`''`, []string{""}, true},
	}
	for _, c := range cases {
		got, ok := argvSplit(c.in)
		if ok != c.ok || (ok && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("argvSplit(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestSplitLine(t *testing.T) {
	cases := []struct {
		in, kw, rest string
		skip, noArg  bool
	}{
		{"Host foo", "Host", "foo", false, false},
		{"  \tUser=bob  ", "User", "bob", false, false},
		{"User = bob", "User", "bob", false, false},
		{"User =bob", "User", "bob", false, false},
		{"User==bob", "User", "=bob", false, false},
		{"# comment", "", "", true, false},
		{"   ", "", "", true, false},
		{"", "", "", true, false},
		{"Port", "Port", "", false, true},
		{"Port   \f", "Port", "", false, true},
		{`"Quoted" x`, "Quoted", "x", false, false},
	}
	for _, c := range cases {
		kw, rest, skip, noArg := splitLine(c.in)
		if kw != c.kw || rest != c.rest || skip != c.skip || noArg != c.noArg {
			t.Errorf("splitLine(%q) = %q %q %v %v; want %q %q %v %v",
				c.in, kw, rest, skip, noArg, c.kw, c.rest, c.skip, c.noArg)
		}
	}
}

func TestParseKeywordsCaseAndForms(t *testing.T) {
	c := loadText(t, strings.Join([]string{
		"HOST=web",
		"\tHOSTNAME\t=\tWeb.Example.com",
		"  user \"deploy\"",
		"  PORT=2222",
		"  serveraliveinterval 1m # comment",
		"  IdentityFile \"/path with space/key\"",
	}, "\n"))
	if errs := errorStrings(c); len(errs) != 0 {
		t.Fatalf("unexpected errors: %q", errs)
	}
	r := resolve(t, c, "web")
	if r.HostName() != "web.example.com" || r.User() != "deploy" || r.Port() != 2222 {
		t.Errorf("got %s@%s:%d", r.User(), r.HostName(), r.Port())
	}
	if d, set := r.ServerAliveInterval(); d.Seconds() != 60 || !set {
		t.Errorf("ServerAliveInterval = %v, %v", d, set)
	}
	if got := r.Values("identityfile"); !reflect.DeepEqual(got, []string{"/path with space/key"}) {
		t.Errorf("identityfile = %q", got)
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	text := strings.Join([]string{
		"Host good1",        // 1
		"  Port nonsense",   // 2
		"  Bogus value",     // 3
		"  User",            // 4
		"  BatchMode maybe", // 5
		"Host good2",        // 6
		"  User \"open",     // 7
		"  ConnectTimeout 5x",
		"Match bogus x",
		"  User fromBadMatch",
		"Host good3",
		"  User three extra",
		"  LocalForward 1234",
		"  Include",
	}, "\n")
	c := loadText(t, text)
	want := []string{
		`/home/me/.ssh/config:2: bad port "nonsense"`,
		`/home/me/.ssh/config:3: unknown keyword "bogus"`,
		`/home/me/.ssh/config:4: no argument after keyword "user"`,
		`/home/me/.ssh/config:5: unsupported option "maybe"`,
		`/home/me/.ssh/config:7: invalid quotes`,
		`/home/me/.ssh/config:8: invalid time value`,
		`/home/me/.ssh/config:9: unsupported Match attribute bogus`,
		`/home/me/.ssh/config:12: keyword user extra arguments at end of line`,
		`/home/me/.ssh/config:13: missing target argument`,
		`/home/me/.ssh/config:14: no argument after keyword "include"`,
	}
	got := errorStrings(c)
	sortStrings(got)
	sortStrings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}
	for _, e := range c.Errors() {
		if e.File == "" || e.Line <= 0 {
			t.Errorf("error without position: %#v", e)
		}
	}
	// Every host is still listed; the broken lines are skipped, and the
	// options of a broken Match block never apply.
	if got := aliases(c); !reflect.DeepEqual(got, []string{"good1", "good2", "good3"}) {
		t.Errorf("hosts = %q", got)
	}
	r := resolve(t, c, "good2")
	if r.User() != "me" || r.Port() != 22 {
		t.Errorf("good2 = %s:%d, want defaults", r.User(), r.Port())
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestIgnoreUnknown(t *testing.T) {
	c := loadText(t, "Bogus1 x\nIgnoreUnknown UseKeychain,Bogus*\nHost *\n  UseKeychain yes\n  BogusTwo 1\n  Other 2\n")
	want := []string{
		`/home/me/.ssh/config:1: unknown keyword "bogus1"`,
		`/home/me/.ssh/config:6: unknown keyword "other"`,
	}
	if got := errorStrings(c); !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
	if r := resolve(t, c, "x"); r.Get("ignoreunknown") != "UseKeychain,Bogus*" {
		t.Errorf("ignoreunknown = %q", r.Get("ignoreunknown"))
	}
}

func TestDeprecatedAndAliasKeywordsAccepted(t *testing.T) {
	c := loadText(t, "Host *\n  Protocol 2\n  UseRoaming no\n  KeepAlive no\n  IdentityFile2 ~/k\n  ChallengeResponseAuthentication no\n  RSAAuthentication yes\n")
	if errs := errorStrings(c); len(errs) != 0 {
		t.Fatalf("errors: %q", errs)
	}
	r := resolve(t, c, "h")
	if r.TCPKeepAlive() || r.KbdInteractiveAuthentication() {
		t.Error("aliases KeepAlive/ChallengeResponseAuthentication not applied")
	}
	if got := r.Values("IdentityFile"); !reflect.DeepEqual(got, []string{"~/k"}) {
		t.Errorf("identityfile = %q", got)
	}
	if !r.IsSet("keepalive") || !r.IsSet("TCPKeepAlive") {
		t.Error("IsSet through alias failed")
	}
}

func TestKeywordTableComplete(t *testing.T) {
	// Every canonical keyword has a place in the dump or is structural.
	for _, k := range keywordByID {
		switch k.kind {
		case kHost, kMatch, kInclude, kIgnore, kDeprecated, kUnsupported:
			continue
		}
		if _, ok := dumpFields[k.name]; !ok {
			t.Errorf("keyword %s is never printed", k.name)
		}
	}
	if len(keywordTable) < 130 {
		t.Errorf("only %d keywords known", len(keywordTable))
	}
}

func TestNulByteEndsLine(t *testing.T) {
	c := loadText(t, "Host a\n  User x\x00garbage here\n")
	if errs := errorStrings(c); len(errs) != 0 {
		t.Fatalf("errors: %q", errs)
	}
	if u := resolve(t, c, "a").User(); u != "x" {
		t.Errorf("user = %q", u)
	}
}
