package session

// The host-key differential (SSHDASH_INTEGRATION=1): every scenario is run
// through OpenSSH's own ssh and through sshdash's Dial, against the same
// real sshd, on copies of the same known_hosts file, under every
// StrictHostKeyChecking value; the verdicts (accepted, asked, warning) and
// the known_hosts files afterwards must be equal. The few places where
// sshdash is deliberately stricter than ssh are listed in the scenarios
// and checked as such: ssh must still do what it did when they were
// written, and sshdash must refuse without touching the file.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
	"golang.org/x/crypto/ssh"
)

// hkVerdict is what one client did in one run.
type hkVerdict struct {
	Accepted bool
	Asked    bool
	Warning  string // "changed", "revoked", "unknown" (refused as not known), or ""
	Line     int    // for "changed": the line of the offending key
	File     string // known_hosts afterwards
}

func (v hkVerdict) String() string {
	s := "refuse"
	if v.Accepted {
		s = "accept"
	}
	if v.Asked {
		s += "+asked"
	}
	if v.Warning != "" {
		s += "(" + v.Warning
		if v.Line > 0 {
			s += fmt.Sprintf(" :%d", v.Line)
		}
		s += ")"
	}
	return s
}

// hkPolicy is a StrictHostKeyChecking value and, for ask, the answer.
type hkPolicy struct{ strict, answer string }

func (p hkPolicy) String() string {
	if p.answer != "" {
		return p.strict + "/" + p.answer
	}
	return p.strict
}

var hkPolicies = []hkPolicy{{"yes", ""}, {"ask", "yes"}, {"ask", "no"}, {"accept-new", ""}, {"no", ""}}

// hkKeys are the keys scenarios write into known_hosts.
type hkKeys struct {
	rsa, ed, otherRSA, otherEd, ca ssh.PublicKey
	name                           string // [127.0.0.1]:port of the server in use
}

// hkScenario is one known_hosts setup against one server.
type hkScenario struct {
	name   string
	server string // "rsa" (RSA host key only), "both" (ed25519 and RSA), "cert" (ed25519 with a certificate)
	kh     func(k hkKeys) string
	alias  string   // HostKeyAlias
	algos  []string // HostKeyAlgorithms, as written
	global bool     // the file is the GlobalKnownHostsFile, and UserKnownHostsFile is none
	// stricter lists the policies under which sshdash deliberately
	// refuses what ssh accepts, with why.
	stricter map[string]string
}

func hkScenarios() []hkScenario {
	line := func(host string, k ssh.PublicKey) string { return keyLine(host, k) + "\n" }
	changedUnderNo := map[string]string{"no": "ssh connects to a changed host with password, keyboard-interactive and forwarding disabled; sshdash refuses"}
	return []hkScenario{
		{name: "unknown host", server: "rsa", kh: func(k hkKeys) string { return "# mine\n" }},
		{name: "known key", server: "rsa", kh: func(k hkKeys) string { return line(k.name, k.rsa) }},
		{name: "key of another type known (ed25519; server has RSA only)", server: "rsa",
			kh: func(k hkKeys) string { return line(k.name, k.otherEd) }, stricter: changedUnderNo},
		{name: "same type, other key", server: "rsa",
			kh: func(k hkKeys) string { return "# mine\n" + line(k.name, k.otherRSA) }, stricter: changedUnderNo},
		{name: "two old keys; the last is reported", server: "rsa",
			kh: func(k hkKeys) string { return line(k.name, k.otherRSA) + line(k.name, k.otherEd) }, stricter: changedUnderNo},
		{name: "another type and the key both known", server: "rsa",
			kh: func(k hkKeys) string { return line(k.name, k.otherEd) + line(k.name, k.rsa) }},
		{name: "port-less entry holds the key", server: "rsa", kh: func(k hkKeys) string { return line("127.0.0.1", k.rsa) }},
		{name: "port-less entry among other names", server: "rsa", kh: func(k hkKeys) string { return line("example.org,127.0.0.1", k.rsa) }},
		{name: "hashed port-less entry", server: "rsa", kh: func(k hkKeys) string { return line(hashedName("127.0.0.1"), k.rsa) }},
		{name: "port-less entry, key of another type", server: "rsa", kh: func(k hkKeys) string { return line("127.0.0.1", k.otherEd) }},
		{name: "port-less entry, other key of the same type", server: "rsa", kh: func(k hkKeys) string { return line("127.0.0.1", k.otherRSA) }},
		{name: "port entry changed, port-less entry holds the key", server: "rsa",
			kh: func(k hkKeys) string { return line(k.name, k.otherEd) + line("127.0.0.1", k.rsa) }, stricter: changedUnderNo},
		{name: "wildcard port entry", server: "rsa", kh: func(k hkKeys) string { return line("[127.0.0.1]:*", k.rsa) }},
		{name: "HostKeyAlias: no port-less fallback", server: "rsa", alias: "myalias", kh: func(k hkKeys) string { return line("127.0.0.1", k.rsa) }},
		{name: "UserKnownHostsFile none, unknown host", server: "rsa", global: true, kh: func(k hkKeys) string { return "# mine\n" }},
		{name: "UserKnownHostsFile none, key in the global file", server: "rsa", global: true, kh: func(k hkKeys) string { return line(k.name, k.rsa) }},
		{name: "revoked under the port-less name", server: "rsa", kh: func(k hkKeys) string { return "@revoked 127.0.0.1 " + line("", k.rsa) },
			stricter: map[string]string{
				"ask/yes":    "ssh warns REVOKED for the plain name, then asks and adds the key for [host]:port; sshdash refuses a revoked key",
				"ask/no":     "ssh warns REVOKED for the plain name, then asks; sshdash refuses a revoked key without asking",
				"accept-new": "ssh warns REVOKED for the plain name, then adds the key for [host]:port; sshdash refuses a revoked key",
				"no":         "ssh warns REVOKED and connects; sshdash refuses a revoked key",
			}},
		{name: "server has ed25519 and RSA, RSA known: RSA negotiated", server: "both", kh: func(k hkKeys) string { return line(k.name, k.rsa) }},
		{name: "server has ed25519 and RSA, ed25519 known", server: "both", kh: func(k hkKeys) string { return line(k.name, k.ed) }},
		{name: "server has ed25519 and RSA, RSA known port-less only", server: "both", kh: func(k hkKeys) string { return line("127.0.0.1", k.rsa) }},
		{name: "RSA known, HostKeyAlgorithms +ssh-rsa: still ordered", server: "both", algos: []string{"+ssh-rsa"},
			kh: func(k hkKeys) string { return line(k.name, k.rsa) }},
		{name: "RSA known, explicit HostKeyAlgorithms: not ordered", server: "both", algos: []string{"ssh-ed25519", "rsa-sha2-256"},
			kh: func(k hkKeys) string { return line(k.name, k.rsa) }, stricter: changedUnderNo},
		{name: "broken lines before the entry", server: "rsa",
			kh: func(k hkKeys) string {
				return "garbage\n@bogus * ssh-rsa AAAA\n" + k.name + " ssh-rsa !!notbase64\n" + line(k.name, k.rsa)
			}},
		{name: "negated pattern excludes [host]:port", server: "rsa",
			kh: func(k hkKeys) string { return line("!"+k.name+",*", k.otherEd) }},
		{name: "host certificate, nothing known", server: "cert", kh: func(k hkKeys) string { return "# mine\n" }},
		{name: "host certificate, CA for *, host key @revoked", server: "cert",
			kh:       func(k hkKeys) string { return "@cert-authority * " + line("", k.ca) + "@revoked * " + line("", k.ed) },
			stricter: map[string]string{"no": "ssh warns REVOKED and connects with password, keyboard-interactive and forwarding disabled; sshdash refuses a revoked key"}},
		{name: "host certificate, CA for *", server: "cert", kh: func(k hkKeys) string { return "@cert-authority * " + line("", k.ca) }},
		{name: "host certificate, CA only for the port-less name", server: "cert", kh: func(k hkKeys) string { return "@cert-authority 127.0.0.1 " + line("", k.ca) }},
		{name: "host certificate, CA not trusted, plain key known", server: "cert",
			kh: func(k hkKeys) string { return "@cert-authority other.example " + line("", k.ca) + line(k.name, k.ed) }},
	}
}

// hashedName returns a "|1|salt|hash" host field for name.
func hashedName(name string) string {
	salt := make([]byte, 20)
	rand.Read(salt)
	return "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(hashHostName(name, salt))
}

// hkLab is the servers and keys the differential runs against.
type hkLab struct {
	ssh     string // path of OpenSSH's ssh
	dir     string
	key     string // client private key
	servers map[string]*sshdtest.Server
	keys    hkKeys
	bothRSA ssh.PublicKey // the RSA host key of the "both" server
}

func newHKLab(t *testing.T) *hkLab {
	sshPath := testenv.Need(t, "ssh")[0]
	f := newSSHD(t, sshdtest.Options{HostKeyType: "rsa"})
	lab := &hkLab{ssh: sshPath, dir: f.dir, key: f.key, servers: map[string]*sshdtest.Server{"rsa": f.sshd}}
	gen := func(name, typ string) ssh.PublicKey {
		pub, err := sshdtest.GenerateKey(filepath.Join(f.dir, name), typ, "")
		if err != nil {
			t.Fatal(err)
		}
		return pub
	}
	lab.keys.rsa = f.sshd.HostKey()
	lab.keys.otherRSA = gen("other_rsa", "rsa")
	lab.keys.otherEd = gen("other_ed25519", "ed25519")
	bothRSA := filepath.Join(f.dir, "both_rsa")
	bothRSAPub := gen("both_rsa", "rsa")
	lab.servers["both"] = sshdtest.Start(t, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{f.pub}, Extra: []string{"HostKey " + bothRSA}})
	lab.servers["cert"] = sshdtest.Start(t, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{f.pub}, HostCertificate: true})
	lab.keys.ca = lab.servers["cert"].HostCA()
	lab.bothRSA = bothRSAPub
	return lab
}

// keysFor returns the keys as seen from one server: rsa and ed are that
// server's own keys.
func (lab *hkLab) keysFor(server string) hkKeys {
	k := lab.keys
	s := lab.servers[server]
	k.name = fmt.Sprintf("[127.0.0.1]:%d", s.Port())
	switch server {
	case "both":
		k.ed, k.rsa = s.HostKey(), lab.bothRSA
	case "cert":
		k.ed = s.HostKey()
	}
	return k
}

// runSSH runs OpenSSH's ssh for one scenario and policy on known_hosts
// file kh, answering a host key question through SSH_ASKPASS.
// A non-nil error means the run itself failed (ssh hung or failed for
// another reason than the host key), not a verdict.
func (lab *hkLab) runSSH(t *testing.T, sc hkScenario, p hkPolicy, kh string) (hkVerdict, string, error) {
	dir := filepath.Dir(kh)
	asked := filepath.Join(dir, "asked")
	askpass := filepath.Join(dir, "askpass")
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$1\" >> %s\necho %s\n", asked, p.answer)
	if err := os.WriteFile(askpass, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	args := []string{"-F", "/dev/null", "-o", "BatchMode=no", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i", lab.key,
		"-o", "UpdateHostKeys=no",
		"-o", "StrictHostKeyChecking=" + p.strict, "-o", "ConnectTimeout=15",
		"-p", fmt.Sprint(lab.servers[sc.server].Port())}
	if sc.global {
		args = append(args, "-o", "UserKnownHostsFile=none", "-o", "GlobalKnownHostsFile="+kh)
	} else {
		args = append(args, "-o", "UserKnownHostsFile="+kh, "-o", "GlobalKnownHostsFile=/dev/null")
	}
	if sc.alias != "" {
		args = append(args, "-o", "HostKeyAlias="+sc.alias)
	}
	if sc.algos != nil {
		args = append(args, "-o", "HostKeyAlgorithms="+strings.Join(sc.algos, ","))
	}
	args = append(args, "root@127.0.0.1", "true")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, lab.ssh, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no controlling terminal: questions go to SSH_ASKPASS
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return hkVerdict{}, "", fmt.Errorf("ssh did not finish within 30s: %s", stderr.String())
	}
	var v hkVerdict
	v.Accepted = err == nil
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 255 {
			return hkVerdict{}, "", fmt.Errorf("ssh: %v: %s", err, stderr.String())
		}
	}
	_, serr := os.Stat(asked)
	v.Asked = serr == nil
	out := stderr.String()
	switch {
	case strings.Contains(out, "REVOKED HOST KEY"):
		v.Warning = "revoked"
	case strings.Contains(out, "REMOTE HOST IDENTIFICATION HAS CHANGED"):
		v.Warning = "changed"
		if i := strings.Index(out, "Offending "); i >= 0 {
			if j := strings.Index(out[i:], kh+":"); j >= 0 {
				fmt.Sscanf(out[i+j+len(kh)+1:], "%d", &v.Line)
			}
		}
	case !v.Accepted && !v.Asked:
		v.Warning = "unknown"
	}
	b, _ := os.ReadFile(kh)
	v.File = string(b)
	return v, out, nil
}

// runSSHDash dials with sshdash for one scenario and policy on kh. A
// non-nil error means the dial failed for another reason than the host key.
func (lab *hkLab) runSSHDash(t *testing.T, sc hkScenario, p hkPolicy, kh string) (hkVerdict, string, error) {
	tg := testTarget(filepath.Dir(kh), lab.servers[sc.server].Port())
	tg.User = "root"
	tg.IdentityFiles = []string{lab.key}
	tg.UserKnownHostsFiles = []string{kh}
	if sc.global {
		tg.UserKnownHostsFiles, tg.GlobalKnownHostsFiles = []string{"none"}, []string{kh}
	}
	tg.StrictHostKeyChecking = p.strict
	tg.HostKeyAlias = sc.alias
	tg.HostKeyAlgorithms = sc.algos
	a := newAsker()
	if p.answer != "" {
		a = newAsker([]string{p.answer})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := Dial(ctx, DialOptions{Target: tg, Ask: a.ask})
	var v hkVerdict
	v.Accepted = err == nil
	if conn != nil {
		conn.Close()
	}
	v.Asked = a.count(PromptHostKey) > 0
	var ce *HostKeyChangedError
	var re *HostKeyRevokedError
	var ue *HostKeyUnknownError
	switch {
	case errors.As(err, &re):
		v.Warning = "revoked"
	case errors.As(err, &ce):
		v.Warning, v.Line = "changed", ce.Line
	case errors.As(err, &ue) && !v.Asked:
		v.Warning = "unknown"
	case err != nil && !v.Asked:
		return hkVerdict{}, "", fmt.Errorf("sshdash: %w", err)
	}
	b, _ := os.ReadFile(kh)
	v.File = string(b)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	return v, msg, nil
}

func TestSSHDHostKeyDifferential(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, 8*time.Minute)
	lab := newHKLab(t)
	var table strings.Builder
	fmt.Fprintf(&table, "%-58s %-11s %-28s %s\n", "scenario", "policy", "ssh", "sshdash")
	runs := 0
	for _, sc := range hkScenarios() {
		keys := lab.keysFor(sc.server)
		content := sc.kh(keys)
		for _, p := range hkPolicies {
			runs++
			// A run that fails for another reason than the host key (a
			// loaded machine, another test dropping loopback connections)
			// is run again on a fresh copy of the file, at most twice.
			var want, got hkVerdict
			var sshOut, dashErr string
			for attempt := 1; ; attempt++ {
				dir := t.TempDir()
				sshKH := filepath.Join(dir, "ssh", "known_hosts")
				dashKH := filepath.Join(dir, "sshdash", "known_hosts")
				for _, f := range []string{sshKH, dashKH} {
					if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				var err error
				if want, sshOut, err = lab.runSSH(t, sc, p, sshKH); err == nil {
					got, dashErr, err = lab.runSSHDash(t, sc, p, dashKH)
				}
				if err == nil {
					break
				}
				if attempt == 3 {
					t.Fatalf("%s, %s: %v", sc.name, p, err)
				}
				t.Logf("%s, %s: run again: %v", sc.name, p, err)
			}
			mark := func(v hkVerdict) string {
				s := v.String()
				if v.File != content {
					s += " +kh"
				}
				return s
			}
			fmt.Fprintf(&table, "%-58.58s %-11s %-28s %s\n", sc.name, p, mark(want), mark(got))
			if why, ok := sc.stricter[p.String()]; ok {
				// ssh accepts (or asks) here; sshdash must refuse and leave
				// the file.
				if !want.Accepted && !want.Asked {
					t.Errorf("%s, %s: listed as stricter than ssh (%s), but ssh refused at once now:\n%s", sc.name, p, why, sshOut)
				}
				if got.Accepted || got.File != content {
					t.Errorf("%s, %s: sshdash must refuse without touching known_hosts (%s); got %s, file:\n%s", sc.name, p, why, got, got.File)
				}
				continue
			}
			if got.Accepted != want.Accepted || got.Asked != want.Asked || got.Warning != want.Warning || got.Line != want.Line {
				t.Errorf("%s, %s: ssh %s, sshdash %s\nssh said:\n%s\nsshdash said: %s", sc.name, p, want, got, sshOut, dashErr)
			}
			if got.File != want.File {
				t.Errorf("%s, %s: known_hosts differs\nssh:\n%s\nsshdash:\n%s", sc.name, p, want.File, got.File)
			}
		}
	}
	t.Logf("%d runs, verdicts (accept/refuse, +asked, (warning), +kh: known_hosts written):\n%s", runs, table.String())
}
