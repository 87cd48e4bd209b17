package main

import (
	"strings"
	"testing"
)

func TestResolvePrintsLines(t *testing.T) {
	path := writeCfg(t, "IgnoreUnknown bogus\nHost web\n    HostName Web.Example.com\n    User deploy\n    Bogus x\nHost *\n    ServerAliveInterval 15\n")
	e, out, errb := cfgTestEnv(nil)
	if code := runResolve([]string{"alice@web:2022", "-F", path}, e); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	want := []string{"host web", "user alice", "hostname web.example.com", "port 2022"}
	for i, w := range want {
		if i >= len(lines) || lines[i] != w {
			t.Fatalf("line %d = %q, want %q\n%s", i, lines[i], w, out)
		}
	}
	if !strings.Contains(out.String(), "\nserveraliveinterval 15\n") {
		t.Errorf("missing serveraliveinterval:\n%s", out)
	}
	if errb.Len() != 0 {
		t.Errorf("an ignored unknown keyword is no problem; stderr %q", errb)
	}
	e, out, _ = cfgTestEnv(nil)
	if code := runResolve([]string{"-F", path, "-l", "carol", "-p", "7", "bob@web:9"}, e); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "\nuser carol\n") || !strings.Contains(out.String(), "\nport 7\n") {
		t.Errorf("-l/-p must win:\n%s", out)
	}
}

func TestResolveFatalExits255(t *testing.T) {
	path := writeCfg(t, "Host web\n    RemoteCommand echo %j\n")
	e, out, errb := cfgTestEnv(nil)
	if code := runResolve([]string{"-F", path, "web"}, e); code != 255 {
		t.Errorf("exit %d, want 255", code)
	}
	if out.Len() != 0 || !strings.Contains(errb.String(), path+":2:") {
		t.Errorf("stdout %q stderr %q", out, errb)
	}
}

func TestResolveUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"a", "b"}, {"--nope", "web"}, {"web:bad"}} {
		e, _, errb := cfgTestEnv(nil)
		if code := runResolve(args, e); code != 2 {
			t.Errorf("%q: exit %d", args, code)
		}
		if errb.Len() == 0 {
			t.Errorf("%q: nothing on stderr", args)
		}
	}
	e, _, _ := cfgTestEnv(nil)
	if code := runResolve([]string{"-F", "/nonexistent/sshdash/config", "web"}, e); code != 255 {
		t.Errorf("missing -F: exit %d", code)
	}
}
