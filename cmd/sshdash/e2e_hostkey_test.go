package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshtest"
)

// Issue 16: a host whose key changed fails, and the dashboard's preview
// shows OpenSSH's warning and the known_hosts file and line to fix,
// not a cut line.
func TestEndToEndHostKeyPreview(t *testing.T) {
	needTmuxE2E(t)
	cfg, env := sshdTerm(t)
	// The known_hosts entry now holds another key of the same type.
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var known string
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "UserKnownHostsFile "); ok {
			known = v
		}
	}
	old, err := os.ReadFile(known)
	if err != nil {
		t.Fatal(err)
	}
	other, err := sshtest.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	hostPart := strings.Fields(string(old))[0]
	if err := os.WriteFile(known, []byte("# first line\n"+hostPart+" "+string(ssh.MarshalAuthorizedKey(other.PublicKey()))), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t)
	tm := startTerm(t, env, fmt.Sprintf("%s -F %s", bin, cfg))
	tm.waitFor("the host list", "target")
	tm.keys("Enter")
	s := tm.waitFor("the failure in the preview", "REMOTE HOST IDENTIFICATION HAS CHANGED", "Offending")
	// The preview is the right-hand column; its wrapped lines joined.
	flat := strings.Join(strings.Fields(strings.ReplaceAll(s, "│", " ")), "")
	if want := strings.ReplaceAll(known, " ", "") + ":2"; !strings.Contains(flat, want) {
		t.Fatalf("the preview lacks %s:\n%s", want, s)
	}
	if !strings.Contains(flat, ssh.FingerprintSHA256(other.PublicKey())) {
		t.Fatalf("the preview lacks the known key's fingerprint:\n%s", s)
	}
	tm.keys("q")
	tm.waitFor("exit", "SSHDASH-EXITED=0")
}
