package config

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/testenv"
)

// randomLines are valid configuration lines combined at random by
// TestRandomConfigsAgainstSSHG.
var randomLines = []string{
	"Host a", "Host b c", "Host *", "Host a*", "Host !b *", "Host c.example",
	"Match host a", "Match originalhost b", "Match final", "Match !final",
	"Match canonical", "Match all", "Match user u1", "Match host *.example",
	"Match exec true", "Match exec false", "Match localuser root",
	"HostName %h.example", "HostName C.Example", "User u1", "User u2",
	"Port 2200", "Port 2201", "IdentityFile ~/.ssh/k1", "IdentityFile ~/.ssh/k2",
	"CertificateFile ~/.ssh/c1", "ProxyJump j1", "ProxyJump none", "ProxyCommand nc %h %p",
	"ProxyCommand none", "ServerAliveInterval 10", "ServerAliveCountMax 2",
	"LocalForward 8000 h:80", "RemoteForward 9000 h:90", "DynamicForward 1080",
	"SendEnv A", "SendEnv -A", "SendEnv B*", "SetEnv X=1", "SetEnv Y=2 X=3",
	"CanonicalizeHostname yes", "CanonicalDomains invalid", "ClearAllForwardings yes",
	"RemoteCommand echo %h %r %p", "ControlPath ~/cm-%C", "BatchMode yes",
	"StrictHostKeyChecking accept-new", "ConnectTimeout 7", "HostKeyAlias K",
	"UserKnownHostsFile ~/kh-%h", "EscapeChar ^B", "RequestTTY force", "ForwardAgent yes",
	"Include @DIR@/inc.conf", "CanonicalizeMaxDots 0", "CanonicalizeHostname always",
	"Match host c.example final", "Match originalhost A", "ProxyJump u@j2:22,j3",
	"IdentityFile ~/.ssh/k1", "Host C.Example", "HostName %h", "LocalForward 8000 h:80",
	"UpdateHostKeys ask", "ControlPersist 5m", "Tunnel yes", "RemoteForward 9001",
	// Lines ssh refuses, or refuses depending on the IgnoreUnknown in
	// force (Resolve runs strict, as sshdash resolve does).
	"Bogus 1", "BogusTwo x", "IgnoreUnknown bogus", "IgnoreUnknown bog*,other",
	"Port abc", "Include @DIR@/bad.conf", "Include @DIR@/ign.conf",
}

func TestRandomConfigsAgainstSSHG(t *testing.T) {
	ssh := testenv.Need(t, "ssh")[0]
	// SSHDASH_RANDOM_SEED explores other combinations.
	seed := int64(1)
	if v := os.Getenv("SSHDASH_RANDOM_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	rng := rand.New(rand.NewSource(seed))
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o755); err != nil {
		t.Fatal(err)
	}
	inc := "User incuser\nHost b\n  Port 3000\nMatch final\n  SendEnv INC\n"
	if err := os.WriteFile(filepath.Join(dir, "inc.conf"), []byte(inc), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"bad.conf": "Host zz\n  BogusTwo 2\n",
		"ign.conf": "IgnoreUnknown bogustwo\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := diffCase{name: "random", dir: dir, home: home}
	hosts := []string{"a", "b", "c", "c.example", "zz", "u1@a", "A"}
	compared, refused := 0, 0
	for n := 0; n < 60; n++ {
		var b strings.Builder
		for i := 0; i < 4+rng.Intn(14); i++ {
			b.WriteString(strings.ReplaceAll(randomLines[rng.Intn(len(randomLines))], "@DIR@", dir))
			b.WriteByte('\n')
		}
		text := b.String()
		if err := os.WriteFile(filepath.Join(dir, "config"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg := loadCase(t, c)
		for _, h := range hosts {
			d := parseDestinations(t, h)[0]
			want, stderr, ok := sshG(t, ssh, c, d)
			res, err := cfg.Resolve(d.host, ResolveOptions{RunExec: true, Strict: true, User: d.user})
			label := fmt.Sprintf("config #%d, host %s:\n%s", n, h, text)
			switch {
			case !ok:
				refused++
				if err == nil {
					t.Errorf("%s\nssh refused (%s), Resolve did not", label, strings.TrimSpace(stderr))
				}
			case err != nil:
				t.Errorf("%s\nResolve: %v", label, err)
			case ok:
				compared++
				if got := res.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s\ndiffers:\n%s", label, lineDiff(want, got))
				}
			}
		}
	}
	t.Logf("%d random resolutions compared, %d refused by both", compared, refused)
}
