package session

import (
	"slices"
	"testing"
)

func TestParseJumpHops(t *testing.T) {
	hops, err := parseJumpHops("bastion, alice@gw:2222,ssh://bob@[::1]:22,[fe80::1]")
	if err != nil {
		t.Fatal(err)
	}
	want := []jumpHop{{Host: "bastion"}, {User: "alice", Host: "gw", Port: 2222}, {User: "bob", Host: "::1", Port: 22}, {Host: "fe80::1"}}
	if !slices.Equal(hops, want) {
		t.Errorf("hops %+v", hops)
	}
	if hops[2].String() != "bob@[::1]:22" {
		t.Errorf("String %q", hops[2].String())
	}
	for _, none := range []string{"", "none", " None "} {
		if h, err := parseJumpHops(none); err != nil || h != nil {
			t.Errorf("%q: %v %v", none, h, err)
		}
	}
	for _, bad := range []string{"a,,b", "@host", "host:99999", "host:x", "[::1", "u@"} {
		if _, err := parseJumpHops(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestPathExpander(t *testing.T) {
	tg := Target{Alias: "web", HostName: "10.0.0.5", Port: 2222, User: "bob"}
	ex := pathExpander{home: "/home/me", localUser: "me", t: tg}
	for in, want := range map[string]string{
		"~/.ssh/id_%r@%h:%p": "/home/me/.ssh/id_bob@10.0.0.5:2222",
		"%d/%u/%n/%k/%%/%z":  "/home/me/me/web/10.0.0.5/%/%z",
		"~":                  "/home/me",
		"/abs/path":          "/abs/path",
	} {
		if got := ex.expand(in); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ex.expandAll([]string{" ", "none", "~/a"}); !slices.Equal(got, []string{"/home/me/a"}) {
		t.Errorf("expandAll %v", got)
	}
}

func TestTargetString(t *testing.T) {
	tg := DefaultTarget("web")
	tg.User = "u"
	if tg.String() != "u@web" || tg.addr() != "web:22" {
		t.Errorf("%q %q", tg.String(), tg.addr())
	}
	tg.Port = 2222
	if tg.String() != "u@web:2222" {
		t.Errorf("%q", tg.String())
	}
	if len(tg.IdentityFiles) != 7 || !isDefaultIdentity("/h/.ssh/id_ed25519") || isDefaultIdentity("/h/.ssh/mine") || isDefaultIdentity("/h/id_rsa") {
		t.Error("default identities")
	}
}
