package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
)

const (
	promptUser     = "sshdashcli"
	promptPassword = "sshdash-Cli-pw-7"
)

// passwordSSHD starts a real sshd that takes promptUser's password only
// and sends a banner with an escape sequence in it, and writes an ssh
// config for it (host "pw", an empty known_hosts, StrictHostKeyChecking
// ask). It returns the config path, the known_hosts path, the host key and
// sshdash's environment.
func passwordSSHD(t *testing.T) (cfgPath, known string, hostKey ssh.PublicKey, env []string) {
	t.Helper()
	testenv.Integration(t)
	needTmuxE2E(t)
	sshdtest.EnsureUser(t, promptUser, promptPassword)
	dir := t.TempDir()
	banner := filepath.Join(dir, "banner")
	if err := os.WriteFile(banner, []byte("AUTHORIZED USE ONLY \x1b]0;pwned\x07 activity is logged\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := sshdtest.Start(t, sshdtest.Options{PasswordAuthentication: true, Extra: []string{"Banner " + banner}})
	known = filepath.Join(dir, "known_hosts")
	// A leftover from an earlier run for another server must not matter.
	if err := os.WriteFile(known, []byte("[127.0.0.1]:1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG1sYWJlbGxlZC1rZXktZm9yLWFub3RoZXItaG9zdA==\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath = filepath.Join(dir, "ssh_config")
	cfg := fmt.Sprintf(`Host pw
  HostName %s
  Port %d
  User %s
  IdentitiesOnly yes
  IdentityFile %s
  IdentityAgent none
  PubkeyAuthentication no
  PreferredAuthentications password
  UserKnownHostsFile %s
  StrictHostKeyChecking ask
`, srv.Host(), srv.Port(), promptUser, filepath.Join(dir, "no-such-key"), known)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	writeSettings(t, state, "reattach = \"none\"\n")
	return cfgPath, known, srv.HostKey(), e2eEnv(state, "SSH_AUTH_SOCK=")
}

// connect asks as ssh does: the banner shown with its escape made
// visible, the host key question asked again after "y", a pasted
// fingerprint taken as yes, one password line, and "Permission denied,
// please try again." after a wrong password.
func TestEndToEndPromptsLikeOpenSSH(t *testing.T) {
	cfg, known, hostKey, env := passwordSSHD(t)
	fp := ssh.FingerprintSHA256(hostKey)
	tm := startTerm(t, env, buildBinary(t)+" connect -F "+cfg+" pw")

	s := tm.waitFor("the host key question", "Are you sure you want to continue connecting (yes/no/[fingerprint])?")
	if n := strings.Count(s, fp); n != 1 {
		t.Fatalf("the fingerprint %s is shown %d times, want once:\n%s", fp, n, s)
	}
	tm.text("y")
	tm.keys("Enter")
	s = tm.waitFor("the question asked again", "Please type 'yes', 'no' or the fingerprint:")
	if strings.Contains(s, "password:") || strings.Contains(s, "answered no") {
		t.Fatalf("y was taken as an answer:\n%s", s)
	}
	tm.text(fp)
	tm.keys("Enter")

	// tmux's capture drops the space after each question.
	passwordLine := promptUser + "@127.0.0.1's password:"
	s = tm.waitFor("the password question", passwordLine)
	if !strings.Contains(s, `AUTHORIZED USE ONLY \033]0;pwned\007 activity is logged`) {
		t.Fatalf("the banner is not shown made safe:\n%s", s)
	}
	tm.text("wrong-password")
	tm.keys("Enter")
	tm.waitFor("the retry", "Permission denied, please try again.")
	s = tm.waitFor("the second password question", "Permission denied, please try again.\n"+passwordLine)
	if regexp.MustCompile(`(?m)^\s*Password:`).MatchString(s) {
		t.Fatalf("a second Password: line was asked:\n%s", s)
	}
	if strings.Contains(s, "wrong-password") {
		t.Fatalf("the password was echoed:\n%s", s)
	}
	if n := strings.Count(s, passwordLine); n != 2 {
		t.Fatalf("%d password lines for two tries:\n%s", n, s)
	}
	tm.text(promptPassword)
	tm.keys("Enter")
	tm.text("echo shell-$((40+2))")
	tm.keys("Enter")
	tm.waitFor("the command's output", "shell-42")
	tm.text("exit 3")
	tm.keys("Enter")
	tm.waitFor("the exit status", "SSHDASH-EXITED=3")
	data, err := os.ReadFile(known)
	if err != nil || !strings.Contains(string(data), strings.TrimSpace(string(ssh.MarshalAuthorizedKey(hostKey)))) {
		t.Fatalf("the accepted key is not in known_hosts (%v):\n%s", err, data)
	}
}

// probe asks the same questions; "no" rejects the key (exit 255), and its
// connect time leaves out the time spent answering.
func TestEndToEndProbePrompts(t *testing.T) {
	cfg, _, _, env := passwordSSHD(t)
	bin := buildBinary(t)

	tm := startTerm(t, env, bin+" probe -F "+cfg+" pw -c 1")
	tm.waitFor("the host key question", "(yes/no/[fingerprint])?")
	tm.text("nope")
	tm.keys("Enter")
	tm.waitFor("the question asked again", "Please type 'yes', 'no' or the fingerprint:")
	tm.text("no")
	tm.keys("Enter")
	tm.waitFor("the refusal", "SSHDASH-EXITED=255")

	tm = startTerm(t, env, bin+" probe -F "+cfg+" pw -c 1")
	tm.waitFor("the host key question", "(yes/no/[fingerprint])?")
	const think = 3 * time.Second
	time.Sleep(think)
	tm.text("yes")
	tm.keys("Enter")
	tm.waitFor("the password question", promptUser+"@127.0.0.1's password:")
	time.Sleep(think)
	tm.text(promptPassword)
	tm.keys("Enter")
	s := tm.waitFor("the probe's result", "SSHDASH-EXITED=0")
	m := regexp.MustCompile(`connected in ([0-9.]+)(ms|s)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no connect time:\n%s", s)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	d := time.Duration(v * float64(time.Millisecond))
	if m[2] == "s" {
		d = time.Duration(v * float64(time.Second))
	}
	// The user thought for 2×think; the connection itself is far quicker.
	if d >= 2*think {
		t.Fatalf("connect time %s includes the time spent answering:\n%s", d, s)
	}
}

// The dashboard asks the same way: the banner above the question, y trusts
// the key, nothing of a typed password is shown, and a wrong one brings
// "Permission denied, please try again." before the next try.
func TestEndToEndDashboardPrompts(t *testing.T) {
	cfg, _, hostKey, env := passwordSSHD(t)
	tm := startTerm(t, env, buildBinary(t)+" -F "+cfg)
	tm.waitFor("the host list", "pw")
	tm.keys("Enter")
	tm.waitFor("the host key dialog", "Unknown host key", ssh.FingerprintSHA256(hostKey))
	tm.keys("y")
	s := tm.waitFor("the password dialog", promptUser+"@127.0.0.1's password:", "AUTHORIZED USE ONLY")
	if strings.Contains(s, "Permission denied") {
		t.Fatalf("the first password question says permission denied:\n%s", s)
	}
	tm.text("wrong-password")
	s = tm.screen()
	if strings.Contains(s, "wrong-password") || strings.Contains(s, "••") {
		t.Fatalf("the typed password (or its length) is shown:\n%s", s)
	}
	tm.keys("Enter")
	tm.waitFor("the retry", "Permission denied, please try again.", promptUser+"@127.0.0.1's password:")
	tm.keys("Escape")
}
