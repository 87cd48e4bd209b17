package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	toks := map[byte]string{'h': "host", 'p': "22"}
	env := testEnv(map[string]string{"V": "val", "EMPTY": ""})
	cases := []struct {
		in, want string
		err      string
	}{
		{"%h:%p", "host:22", ""},
		{"100%%", "100%", ""},
		{"%%h", "%h", ""},
		{"a%", "", "invalid format"},
		{"%x", "", "unknown key %x"},
		{"${V}/%h", "val/host", ""},
		{"${EMPTY}x", "x", ""},
		{"${UNSET}", "", "has no value"},
		{"${V", "", "missing closing"},
		{"${}", "", "zero-length"},
		{"$V", "$V", ""},
		{"${V}%%${V}", "val%val", ""},
	}
	for _, c := range cases {
		got, err := expand(c.in, toks, env)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("expand(%q) error = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("expand(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestTildeExpand(t *testing.T) {
	cases := map[string]string{
		"~":          "/h/",
		"~/":         "/h/",
		"~//x":       "/h/x",
		"~/.ssh/k":   "/h/.ssh/k",
		"/abs/~":     "/abs/~",
		"~root/.ssh": "/root/.ssh",
		"rel":        "rel",
	}
	for in, want := range cases {
		if got, err := tildeExpand(in, "/h"); err != nil || got != want {
			t.Errorf("tildeExpand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := tildeExpand("~no-such-user-sshdash/x", "/h"); err == nil {
		t.Error("unknown user: no error")
	}
}

func TestConnectionHash(t *testing.T) {
	// echo -n vmx22root | sha1sum
	if got := connectionHash("vm", "x", "22", "root"); got != "4f8e0550bf3371189ae207c2d5184ce91404fa01" {
		t.Errorf("hash = %s", got)
	}
}

func TestTokensInResolve(t *testing.T) {
	c := loadText(t, strings.Join([]string{
		"Host tok",
		"  HostName %h.EXAMPLE.org",
		"  User ru",
		"  Port 2022",
		"  HostKeyAlias KeyAlias",
		"  RemoteCommand echo %d %h %i %k %L %l %n %p %r %u %%",
		"  ControlPath ~/.ssh/cm-%r@%h:%p",
		"  IdentityAgent ${TESTVAR}/agent-%u",
		"  UserKnownHostsFile ~/kh-%h %d/kh2",
		"  ProxyCommand nc %h %p",
		"  LocalCommand echo %h",
		"  IdentityFile ~/.ssh/id-%h",
		"  LocalForward /tmp/l-%h.sock remote:22",
	}, "\n"))
	r := resolve(t, c, "tok")
	want := "echo /home/me tok.example.org 1000 keyalias box box.example.org tok 2022 ru me %"
	if got := r.RemoteCommand(); got != want {
		t.Errorf("RemoteCommand = %q\nwant %q", got, want)
	}
	if got := r.Get("controlpath"); got != "/home/me/.ssh/cm-ru@tok.example.org:2022" {
		t.Errorf("controlpath = %q", got)
	}
	if got := r.IdentityAgent(); got != "tv/agent-me" {
		t.Errorf("identityagent = %q", got)
	}
	if got := r.UserKnownHostsFiles(); !reflect.DeepEqual(got, []string{"/home/me/kh-tok.example.org", "/home/me/kh2"}) {
		t.Errorf("userknownhostsfile = %q", got)
	}
	// ssh -G prints these unexpanded; the typed accessors expand them.
	if got := r.Get("proxycommand"); got != "nc %h %p" {
		t.Errorf("proxycommand line = %q", got)
	}
	if got := r.ProxyCommand(); got != "nc tok.example.org 2022" {
		t.Errorf("ProxyCommand() = %q", got)
	}
	if got := r.Get("localcommand"); got != "echo %h" {
		t.Errorf("localcommand = %q", got)
	}
	if got := r.Get("identityfile"); got != "~/.ssh/id-%h" {
		t.Errorf("identityfile line = %q", got)
	}
	if got := r.IdentityFiles(); !reflect.DeepEqual(got, []string{"/home/me/.ssh/id-tok.example.org"}) {
		t.Errorf("IdentityFiles() = %q", got)
	}
	if got := r.LocalForwards(); !reflect.DeepEqual(got, []string{"/tmp/l-tok.example.org.sock [remote]:22"}) {
		t.Errorf("LocalForwards() = %q", got)
	}
	if got := r.HostKeyAlias(); got != "keyalias" {
		t.Errorf("HostKeyAlias = %q", got)
	}
}

func TestTokenErrorsAreFatal(t *testing.T) {
	for _, line := range []string{
		"RemoteCommand echo %j",
		"HostName %h-%p",
		"ControlPath ~/x-${NOT_SET_ANYWHERE}",
	} {
		c := loadText(t, "Host *\n  "+line+"\n")
		_, err := c.Resolve("x", ResolveOptions{})
		if err == nil || !strings.Contains(err.Error(), "/home/me/.ssh/config:2:") {
			t.Errorf("%s: err = %v, want a fatal error naming the line", line, err)
		}
	}
}
