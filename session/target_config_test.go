package session

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/config"
)

func TestTargetFromResolved(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	cfg := `Host web1
  HostName 10.0.0.5
  User deploy
  Port 2222
  IdentityFile ~/.ssh/web_%r
  IdentitiesOnly yes
  IdentityAgent none
  ProxyJump alice@bastion:2200,gw
  ConnectTimeout 7
  ConnectionAttempts 3
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/kh1 ~/kh2
  HostKeyAlias webalias
  HashKnownHosts yes
  RevokedHostKeys ~/.ssh/revoked_%h
  BatchMode yes
  PreferredAuthentications publickey,password
  KbdInteractiveAuthentication no
  NumberOfPasswordPrompts 2
  RequestTTY force
  RemoteCommand tmux attach
  ForwardAgent yes
  SetEnv FOO=bar
  SendEnv LANG LC_*
  LocalForward 8080 localhost:80
`
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(config.LoadOptions{File: cfgFile, Home: "/home/me", LocalUser: "me"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Resolve("web1", config.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tg := TargetFromResolved(r)
	check := func(what string, got, want any) {
		t.Helper()
		if !equalAny(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("Alias", tg.Alias, "web1")
	check("HostName", tg.HostName, "10.0.0.5")
	check("User", tg.User, "deploy")
	check("Port", tg.Port, 2222)
	check("IdentityFiles", tg.IdentityFiles, []string{"/home/me/.ssh/web_deploy"})
	check("IdentitiesOnly", tg.IdentitiesOnly, true)
	check("IdentityAgent", tg.IdentityAgent, "none")
	check("ProxyJump", tg.ProxyJump, "alice@bastion:2200,gw")
	check("ConnectTimeout", tg.ConnectTimeout, 7*time.Second)
	check("ConnectionAttempts", tg.ConnectionAttempts, 3)
	check("StrictHostKeyChecking", tg.StrictHostKeyChecking, "accept-new")
	check("UserKnownHostsFiles", tg.UserKnownHostsFiles, []string{"/home/me/kh1", "/home/me/kh2"})
	check("HostKeyAlias", tg.HostKeyAlias, "webalias")
	check("HashKnownHosts", tg.HashKnownHosts, true)
	check("RevokedHostKeys", tg.RevokedHostKeys, "~/.ssh/revoked_%h") // expanded by Dial, as ssh does at use
	check("BatchMode", tg.BatchMode, true)
	check("PreferredAuthentications", tg.PreferredAuthentications, []string{"publickey", "password"})
	check("KbdInteractiveAuthentication", tg.KbdInteractiveAuthentication, false)
	check("PasswordAuthentication", tg.PasswordAuthentication, true)
	check("PubkeyAuthentication", tg.PubkeyAuthentication, true)
	check("NumberOfPasswordPrompts", tg.NumberOfPasswordPrompts, 2)
	check("RequestTTY", tg.RequestTTY, "force")
	check("RemoteCommand", tg.RemoteCommand, "tmux attach")
	check("ForwardAgent", tg.ForwardAgent, "yes")
	check("SetEnv", tg.SetEnv, []string{"FOO=bar"})
	check("SendEnv", tg.SendEnv, []string{"LANG", "LC_*"})
	check("LocalForwards", len(tg.LocalForwards), 1)
	if tg.HostKeyAlgorithms != nil {
		t.Errorf("HostKeyAlgorithms unset in the config but %v", tg.HostKeyAlgorithms)
	}
	hops, err := parseJumpHops(tg.ProxyJump)
	if err != nil || len(hops) != 2 || hops[0].User != "alice" || hops[0].Port != 2200 {
		t.Errorf("hops %+v, %v", hops, err)
	}
}

func TestTargetHostKeyAlgorithmsAsSsh(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"", ""},
		{"HostKeyAlgorithms +ssh-rsa", "+ssh-rsa"},
		{"HostKeyAlgorithms -ssh-ed25519*", "-ssh-ed25519*"},
		{"HostKeyAlgorithms ssh-ed25519,rsa-sha2-*", "ssh-ed25519,rsa-sha2-256,rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512,rsa-sha2-512-cert-v01@openssh.com"}, // as ssh -G
		{"HostKeyAlgorithms ^rsa-sha2-256", "rsa-sha2-256,"},
	} {
		file := filepath.Join(t.TempDir(), "config")
		if err := os.WriteFile(file, []byte("Host h\n  "+c.line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(config.LoadOptions{File: file, Home: "/home/me", LocalUser: "me"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := cfg.Resolve("h", config.ResolveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(TargetFromResolved(res).HostKeyAlgorithms, ",")
		if (c.want == "" && got != "") || !strings.HasPrefix(got, c.want) {
			t.Errorf("%q: HostKeyAlgorithms %q, want %q...", c.line, got, c.want)
		}
	}
}

func equalAny(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, ok := b.([]string)
		return ok && slices.Equal(as, bs)
	}
	return a == b
}
