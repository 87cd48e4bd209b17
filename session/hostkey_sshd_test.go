package session

// Host key checks against a real OpenSSH sshd (SSHDASH_INTEGRATION=1), with
// known_hosts files cross-checked by OpenSSH's own ssh-keygen -F / -H.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"golang.org/x/crypto/ssh"
)

// sshKeygenFinds reports whether OpenSSH finds name in known_hosts file.
func sshKeygenFinds(t *testing.T, file, name string) bool {
	t.Helper()
	out, err := exec.Command("ssh-keygen", "-F", name, "-f", file).CombinedOutput()
	return err == nil && len(out) > 0
}

func TestSSHDUnknownHostPolicies(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{})
	name := fmt.Sprintf("[127.0.0.1]:%d", f.sshd.Port())
	fp := ssh.FingerprintSHA256(f.sshd.HostKey())
	for _, c := range []struct {
		strict string
		answer string // "" for no prompt
		ok     bool
	}{
		{"yes", "", false},
		{"accept-new", "", true},
		{"ask", "yes", true},
		{"ask", "no", false},
		{"no", "", true},
		{"off", "", true},
	} {
		t.Run(c.strict+"/"+c.answer, func(t *testing.T) {
			os.Remove(f.knownHosts())
			tg := f.target()
			tg.StrictHostKeyChecking = c.strict
			var a *asker
			if c.answer != "" {
				a = newAsker([]string{c.answer})
			} else {
				a = newAsker()
			}
			ctx, cancel := contextWithTimeout()
			defer cancel()
			conn, err := Dial(ctx, DialOptions{Target: tg, Ask: a.ask})
			if c.ok {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				conn.Close()
				if !sshKeygenFinds(t, f.knownHosts(), name) {
					t.Errorf("ssh-keygen -F %s does not find the added key", name)
				}
			} else {
				var ue *HostKeyUnknownError
				if !errors.As(err, &ue) || ue.Fingerprint != fp {
					t.Fatalf("want HostKeyUnknownError for %s, got %v", fp, err)
				}
				if _, serr := os.Stat(f.knownHosts()); serr == nil {
					t.Error("known_hosts written for a refused key")
				}
			}
			if c.answer != "" {
				ps := a.all()
				if len(ps) != 1 || ps[0].Fingerprint != fp || ps[0].KeyType != "ssh-ed25519" {
					t.Errorf("prompts %+v", ps)
				}
			} else if len(a.all()) != 0 {
				t.Errorf("%s asked", c.strict)
			}
		})
	}
}

func TestSSHDChangedHostKey(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{})
	other := filepath.Join(f.dir, "other_host_key")
	otherPub, err := sshdtest.GenerateKey(other, "ed25519", "")
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("[127.0.0.1]:%d", f.sshd.Port())
	content := []byte("# known hosts\nlocalhost " + keyLine("", otherPub) + "\n" + keyLine(name, otherPub) + " old key\n")
	if err := os.WriteFile(f.knownHosts(), content, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, strict := range []string{"no", "accept-new", "ask"} {
		tg := f.target()
		tg.StrictHostKeyChecking = strict
		a := newAsker([]string{"yes"})
		err, _ := dialErr(t, DialOptions{Target: tg, Ask: a.ask})
		var ce *HostKeyChangedError
		if !errors.As(err, &ce) || ce.File != f.knownHosts() || ce.Line != 3 {
			t.Fatalf("%s: want HostKeyChangedError at %s:3, got %v", strict, f.knownHosts(), err)
		}
		mustContain(t, err.Error(), fmt.Sprintf("%s:3", f.knownHosts()), ssh.FingerprintSHA256(f.sshd.HostKey()))
		if got, _ := os.ReadFile(f.knownHosts()); !bytes.Equal(got, content) {
			t.Fatalf("%s: known_hosts modified:\n%s", strict, got)
		}
	}
}

func TestSSHDHashedAndPortForm(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{})
	name := fmt.Sprintf("[127.0.0.1]:%d", f.sshd.Port())
	// The [host]:port form, then hashed by OpenSSH itself.
	if err := os.WriteFile(f.knownHosts(), []byte(keyLine(name, f.sshd.HostKey())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tg := f.target()
	tg.StrictHostKeyChecking = "yes"
	dialT(t, DialOptions{Target: tg}).Close()
	if out, err := exec.Command("ssh-keygen", "-H", "-f", f.knownHosts()).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -H: %v: %s", err, out)
	}
	if b, _ := os.ReadFile(f.knownHosts()); !strings.HasPrefix(string(b), "|1|") {
		t.Fatalf("not hashed: %s", b)
	}
	dialT(t, DialOptions{Target: tg}).Close()

	// In a hashed file, a new host is added hashed, and OpenSSH finds it.
	other := sshdtest.Start(t, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{f.pub}})
	tg.Port = other.Port()
	tg.StrictHostKeyChecking = "accept-new"
	dialT(t, DialOptions{Target: tg}).Close()
	b, _ := os.ReadFile(f.knownHosts())
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "|1|") {
		t.Fatalf("known_hosts:\n%s", b)
	}
	if !sshKeygenFinds(t, f.knownHosts(), fmt.Sprintf("[127.0.0.1]:%d", other.Port())) {
		t.Error("ssh-keygen -F does not find the hashed entry sshdash wrote")
	}
}

func TestSSHDCertAuthorityAndRevoked(t *testing.T) {
	checkLeaks(t)
	f := newSSHD(t, sshdtest.Options{HostCertificate: true})
	ca := f.sshd.HostCA()
	caLine := []byte("@cert-authority * " + keyLine("", ca) + "\n")
	if err := os.WriteFile(f.knownHosts(), caLine, 0o600); err != nil {
		t.Fatal(err)
	}
	tg := f.target()
	tg.StrictHostKeyChecking = "yes"
	dialT(t, DialOptions{Target: tg}).Close()
	if b, _ := os.ReadFile(f.knownHosts()); !bytes.Equal(b, caLine) {
		t.Errorf("known_hosts changed:\n%s", b)
	}

	// The host key itself revoked: refused although the CA is trusted.
	revoked := append(append([]byte{}, caLine...), []byte("@revoked * "+keyLine("", f.sshd.HostKey())+"\n")...)
	if err := os.WriteFile(f.knownHosts(), revoked, 0o600); err != nil {
		t.Fatal(err)
	}
	err, _ := dialErr(t, DialOptions{Target: tg})
	var re *HostKeyRevokedError
	if !errors.As(err, &re) || re.Line != 2 {
		t.Fatalf("want HostKeyRevokedError at line 2, got %v", err)
	}

	// A plain (non-certificate) server whose key is revoked.
	plain := newSSHD(t, sshdtest.Options{})
	line := []byte("@revoked * " + keyLine("", plain.sshd.HostKey()) + "\n")
	if err := os.WriteFile(plain.knownHosts(), line, 0o600); err != nil {
		t.Fatal(err)
	}
	ptg := plain.target()
	ptg.StrictHostKeyChecking = "no"
	err, _ = dialErr(t, DialOptions{Target: ptg})
	if !errors.As(err, &re) || !IsPermanent(err) {
		t.Fatalf("want HostKeyRevokedError, got %v", err)
	}
}
