package session

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/sshtest"
	"golang.org/x/crypto/ssh"
)

// hostKeyFixture is an in-process server plus a client key it accepts.
type hostKeyFixture struct {
	dir string
	key testKey
	srv *sshtest.Server
	kh  string // known_hosts path
}

func newHostKeyFixture(t *testing.T, opts sshtest.Options) *hostKeyFixture {
	t.Helper()
	dir := t.TempDir()
	key := writeKey(t, dir, "id", "")
	opts.AuthorizedKeys = append(opts.AuthorizedKeys, key.Pub)
	srv := startServer(t, opts)
	return &hostKeyFixture{dir: dir, key: key, srv: srv, kh: filepath.Join(dir, "known_hosts")}
}

func (f *hostKeyFixture) target(strict string) Target {
	tg := testTarget(f.dir, f.srv.Port())
	tg.IdentityFiles = []string{f.key.Path}
	tg.StrictHostKeyChecking = strict
	return tg
}

func (f *hostKeyFixture) name() string { return fmt.Sprintf("[127.0.0.1]:%d", f.srv.Port()) }

func (f *hostKeyFixture) write(t *testing.T, content string) []byte {
	t.Helper()
	if err := os.WriteFile(f.kh, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return []byte(content)
}

func (f *hostKeyFixture) read(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(f.kh)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

// keyLine renders a known_hosts line; with host "" it renders just
// "type base64" for use after a marker and pattern.
func keyLine(host string, k ssh.PublicKey) string {
	s := k.Type() + " " + base64.StdEncoding.EncodeToString(k.Marshal())
	if host == "" {
		return s
	}
	return host + " " + s
}

func TestHostKeyUnknownPolicies(t *testing.T) {
	checkLeaks(t)
	f := newHostKeyFixture(t, sshtest.Options{})
	added := keyLine(f.name(), f.srv.HostKey()) + "\n"
	fp := ssh.FingerprintSHA256(f.srv.HostKey())

	t.Run("yes refuses", func(t *testing.T) {
		os.Remove(f.kh)
		err, _ := dialErr(t, DialOptions{Target: f.target("yes")})
		var he *HostKeyUnknownError
		if !errors.As(err, &he) || !IsPermanent(err) {
			t.Fatalf("want permanent HostKeyUnknownError, got %v", err)
		}
		mustContain(t, err.Error(), "StrictHostKeyChecking is yes", fp)
		if f.read(t) != "" {
			t.Error("known_hosts written")
		}
	})
	t.Run("accept-new adds", func(t *testing.T) {
		os.Remove(f.kh)
		dialT(t, DialOptions{Target: f.target("accept-new")}).Close()
		if got := f.read(t); got != added {
			t.Errorf("known_hosts %q, want %q", got, added)
		}
		st, _ := os.Stat(f.kh)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("mode %v", st.Mode())
		}
	})
	t.Run("no adds", func(t *testing.T) {
		os.Remove(f.kh)
		dialT(t, DialOptions{Target: f.target("no")}).Close()
		if got := f.read(t); got != added {
			t.Errorf("known_hosts %q", got)
		}
	})
	t.Run("ask yes adds", func(t *testing.T) {
		os.Remove(f.kh)
		a := newAsker([]string{"yes"})
		dialT(t, DialOptions{Target: f.target("ask"), Ask: a.ask}).Close()
		ps := a.all()
		if len(ps) != 1 || ps[0].Kind != PromptHostKey || ps[0].KeyType != ssh.KeyAlgoED25519 || ps[0].Fingerprint != fp {
			t.Fatalf("prompts %+v", ps)
		}
		mustContain(t, ps[0].Title, "can't be established", fp, "testhost", f.kh, "not known by any other names")
		if got := f.read(t); got != added {
			t.Errorf("known_hosts %q", got)
		}
		// Known now: no question the second time, even under yes.
		dialT(t, DialOptions{Target: f.target("yes")}).Close()
	})
	t.Run("ask names other names of the key", func(t *testing.T) {
		salt := bytes.Repeat([]byte{5}, 20)
		hashed := "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(hashHostName("zzz", salt))
		content := "example.org,foo " + keyLine("", f.srv.HostKey()) + "\n" + keyLine(hashed, f.srv.HostKey()) + "\n"
		for i := 0; i < 9; i++ {
			content += keyLine(fmt.Sprintf("n%d", i), f.srv.HostKey()) + "\n"
		}
		f.write(t, content)
		a := newAsker([]string{"no"})
		dialErr(t, DialOptions{Target: f.target("ask"), Ask: a.ask})
		ps := a.all()
		if len(ps) != 1 {
			t.Fatalf("prompts %+v", ps)
		}
		mustContain(t, ps[0].Title, "already known for other names", f.kh+":1: example.org,foo", f.kh+":2: (hashed name)", "n5", "(and 3 more)")
	})
	t.Run("ask no refuses", func(t *testing.T) {
		os.Remove(f.kh)
		a := newAsker([]string{"no"})
		err, _ := dialErr(t, DialOptions{Target: f.target("ask"), Ask: a.ask})
		if !IsPermanent(err) || !strings.Contains(err.Error(), "answered no") {
			t.Errorf("err %v", err)
		}
		if f.read(t) != "" {
			t.Error("known_hosts written")
		}
	})
	t.Run("ask without a way to ask refuses", func(t *testing.T) {
		os.Remove(f.kh)
		err, _ := dialErr(t, DialOptions{Target: f.target("")})
		mustContain(t, err.Error(), "not accepted", "cannot ask")
	})
	t.Run("bad value", func(t *testing.T) {
		err, _ := dialErr(t, DialOptions{Target: f.target("maybe")})
		var ce *ConfigError
		if !errors.As(err, &ce) || !IsPermanent(err) {
			t.Errorf("err %v", err)
		}
	})
}

func TestHostKeyChangedRefusedAndFileUntouched(t *testing.T) {
	checkLeaks(t)
	f := newHostKeyFixture(t, sshtest.Options{})
	other, _ := sshtest.NewSigner()
	content := "# my hosts\nexample.org " + keyLine("", other.PublicKey()) + "\n" + keyLine(f.name(), other.PublicKey()) + "\n"
	before := f.write(t, content)
	for _, strict := range []string{"yes", "accept-new", "ask", "no"} {
		a := newAsker([]string{"yes"})
		err, _ := dialErr(t, DialOptions{Target: f.target(strict), Ask: a.ask})
		var ce *HostKeyChangedError
		if !errors.As(err, &ce) || !IsPermanent(err) {
			t.Fatalf("%s: want permanent HostKeyChangedError, got %v", strict, err)
		}
		if ce.File != f.kh || ce.Line != 3 || ce.KeyType != ssh.KeyAlgoED25519 || ce.Fingerprint != ssh.FingerprintSHA256(f.srv.HostKey()) {
			t.Errorf("%s: %+v", strict, ce)
		}
		mustContain(t, err.Error(), fmt.Sprintf("%s:3", f.kh), "CHANGED")
		if len(a.all()) != 0 {
			t.Errorf("%s: asked about a changed key", strict)
		}
		if after, _ := os.ReadFile(f.kh); !bytes.Equal(after, before) {
			t.Fatalf("%s: known_hosts changed:\n%s", strict, after)
		}
	}
}

func TestHostKeyHashedAliasAndStyle(t *testing.T) {
	checkLeaks(t)
	f := newHostKeyFixture(t, sshtest.Options{})
	salt := bytes.Repeat([]byte{7}, 20)
	hashed := "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(hashHostName(f.name(), salt))
	f.write(t, keyLine(hashed, f.srv.HostKey())+"\n")
	dialT(t, DialOptions{Target: f.target("yes")}).Close()

	// A hashed file gets hashed additions; the new line must be matchable.
	other, _ := sshtest.NewSigner()
	elsewhere := "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(hashHostName("elsewhere", salt))
	f.write(t, keyLine(elsewhere, other.PublicKey())+"\n")
	dialT(t, DialOptions{Target: f.target("accept-new")}).Close()
	lines := strings.Split(strings.TrimSpace(f.read(t)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "|1|") || strings.Contains(lines[1], "127.0.0.1") {
		t.Fatalf("known_hosts:\n%s", f.read(t))
	}
	dialT(t, DialOptions{Target: f.target("yes")}).Close()

	// HashKnownHosts hashes even in a plain file.
	os.Remove(f.kh)
	tg := f.target("accept-new")
	tg.HashKnownHosts = true
	dialT(t, DialOptions{Target: tg}).Close()
	if !strings.HasPrefix(f.read(t), "|1|") {
		t.Errorf("not hashed: %s", f.read(t))
	}

	// HostKeyAlias: looked up and stored under the alias, no port.
	f.write(t, keyLine("myalias", f.srv.HostKey())+"\n")
	tg = f.target("yes")
	tg.HostKeyAlias = "MyAlias"
	dialT(t, DialOptions{Target: tg}).Close()
	os.Remove(f.kh)
	tg.StrictHostKeyChecking = "accept-new"
	dialT(t, DialOptions{Target: tg}).Close()
	if !strings.HasPrefix(f.read(t), "myalias ssh-ed25519 ") {
		t.Errorf("alias entry: %s", f.read(t))
	}

	// A file without a final newline gets one before the new line.
	f.write(t, "# no newline")
	dialT(t, DialOptions{Target: f.target("accept-new")}).Close()
	if got := f.read(t); !strings.HasPrefix(got, "# no newline\n[127.0.0.1]:") {
		t.Errorf("known_hosts %q", got)
	}
}

func TestHostKeyRevoked(t *testing.T) {
	checkLeaks(t)
	f := newHostKeyFixture(t, sshtest.Options{})
	f.write(t, keyLine(f.name(), f.srv.HostKey())+"\n@revoked * "+keyLine("", f.srv.HostKey())+"\n")
	err, _ := dialErr(t, DialOptions{Target: f.target("no")})
	var re *HostKeyRevokedError
	if !errors.As(err, &re) || re.Line != 2 || !IsPermanent(err) {
		t.Fatalf("want HostKeyRevokedError for line 2, got %v", err)
	}
	mustContain(t, err.Error(), "REVOKED", f.kh+":2")
}

// hostCertSigner signs host key hk with ca for principals.
func hostCertSigner(t *testing.T, hk, ca ssh.Signer, principals ...string) ssh.Signer {
	t.Helper()
	return certSigner(t, hk, ca, 0, "test-host", principals...)
}

func TestHostKeyCertAuthority(t *testing.T) {
	checkLeaks(t)
	hk, _ := sshtest.NewSigner()
	ca, _ := sshtest.NewSigner()
	f := newHostKeyFixture(t, sshtest.Options{HostSigner: hostCertSigner(t, hk, ca, "127.0.0.1")})
	caLine := "@cert-authority [127.0.0.1]:* " + keyLine("", ca.PublicKey()) + "\n"
	before := f.write(t, caLine)
	logs := &logRecorder{}
	dialT(t, DialOptions{Target: f.target("yes"), Log: logs.log}).Close()
	if after, _ := os.ReadFile(f.kh); !bytes.Equal(after, before) {
		t.Errorf("known_hosts changed: %s", after)
	}

	// A revoked CA is refused.
	f.write(t, caLine+"@revoked * "+keyLine("", ca.PublicKey())+"\n")
	err, _ := dialErr(t, DialOptions{Target: f.target("no")})
	var re *HostKeyRevokedError
	if !errors.As(err, &re) {
		t.Errorf("revoked CA: %v", err)
	}

	// An untrusted CA: the plain key is checked, as ssh does.
	f.write(t, "")
	err, _ = dialErr(t, DialOptions{Target: f.target("yes"), Log: logs.log})
	var ue *HostKeyUnknownError
	if !errors.As(err, &ue) || ue.Fingerprint != ssh.FingerprintSHA256(hk.PublicKey()) {
		t.Errorf("untrusted CA: %v", err)
	}
	mustContain(t, logs.String(), "checking the plain host key")
}

func TestHostKeyCertWrongPrincipalFallsBack(t *testing.T) {
	checkLeaks(t)
	hk, _ := sshtest.NewSigner()
	ca, _ := sshtest.NewSigner()
	f := newHostKeyFixture(t, sshtest.Options{HostSigner: hostCertSigner(t, hk, ca, "other.example")})
	f.write(t, "@cert-authority * "+keyLine("", ca.PublicKey())+"\n")
	logs := &logRecorder{}
	err, _ := dialErr(t, DialOptions{Target: f.target("yes"), Log: logs.log})
	var ue *HostKeyUnknownError
	if !errors.As(err, &ue) {
		t.Fatalf("want HostKeyUnknownError, got %v", err)
	}
	mustContain(t, logs.String(), "host certificate of", "not valid")
	// The plain key known: accepted.
	f.write(t, "@cert-authority * "+keyLine("", ca.PublicKey())+"\n"+keyLine(f.name(), hk.PublicKey())+"\n")
	dialT(t, DialOptions{Target: f.target("yes")}).Close()
}

func TestHostKeyAlgorithmsPreferKnownType(t *testing.T) {
	checkLeaks(t)
	ed, _ := sshtest.NewSigner()
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ec, _ := ssh.NewSignerFromKey(ecKey)
	f := newHostKeyFixture(t, sshtest.Options{HostSigner: ed, HostSigners: []ssh.Signer{ec}})
	// Only the ed25519 key is known; x/crypto alone would pick ECDSA first.
	f.write(t, keyLine(f.name(), ed.PublicKey())+"\n")
	dialT(t, DialOptions{Target: f.target("yes")}).Close()

	// Known only as ECDSA, HostKeyAlgorithms forcing ed25519: a key of
	// another type is known, which OpenSSH 9 calls a changed host key
	// under every policy; nothing is asked and nothing is written.
	before := f.write(t, keyLine(f.name(), ec.PublicKey())+"\n")
	for _, strict := range []string{"yes", "ask", "accept-new", "no"} {
		tg := f.target(strict)
		tg.HostKeyAlgorithms = []string{"ssh-ed25519"}
		a := newAsker([]string{"yes"})
		err, _ := dialErr(t, DialOptions{Target: tg, Ask: a.ask})
		var ce *HostKeyChangedError
		if !errors.As(err, &ce) || ce.KeyType != ssh.KeyAlgoED25519 || ce.KnownKeyType != ssh.KeyAlgoECDSA256 || ce.Line != 1 {
			t.Fatalf("%s: want HostKeyChangedError (ed25519 offered, ECDSA known at line 1), got %v", strict, err)
		}
		if len(a.all()) != 0 {
			t.Errorf("%s: asked", strict)
		}
		if after, _ := os.ReadFile(f.kh); !bytes.Equal(after, before) {
			t.Fatalf("%s: known_hosts changed:\n%s", strict, after)
		}
	}
}

func TestHostKeyPortFallback(t *testing.T) {
	checkLeaks(t)
	f := newHostKeyFixture(t, sshtest.Options{})
	other, _ := sshtest.NewSigner()
	hk := f.srv.HostKey()

	// Known only as plain 127.0.0.1: accepted under yes, nothing written.
	before := f.write(t, keyLine("127.0.0.1", hk)+"\n")
	logs := &logRecorder{}
	dialT(t, DialOptions{Target: f.target("yes"), Log: logs.log}).Close()
	if after, _ := os.ReadFile(f.kh); !bytes.Equal(after, before) {
		t.Errorf("known_hosts changed: %s", after)
	}
	mustContain(t, logs.String(), "without the port")

	// Hashed, and as one of several names: the same.
	salt := bytes.Repeat([]byte{3}, 20)
	hashed := "|1|" + base64.StdEncoding.EncodeToString(salt) + "|" + base64.StdEncoding.EncodeToString(hashHostName("127.0.0.1", salt))
	f.write(t, keyLine(hashed, hk)+"\n")
	dialT(t, DialOptions{Target: f.target("yes")}).Close()
	f.write(t, keyLine("example.org,127.0.0.1", hk)+"\n")
	dialT(t, DialOptions{Target: f.target("yes")}).Close()

	// A different key under the plain name is no help and no change: the
	// host is new for [host]:port.
	f.write(t, keyLine("127.0.0.1", other.PublicKey())+"\n")
	err, _ := dialErr(t, DialOptions{Target: f.target("yes")})
	var ue *HostKeyUnknownError
	if !errors.As(err, &ue) {
		t.Fatalf("want HostKeyUnknownError, got %v", err)
	}
	dialT(t, DialOptions{Target: f.target("accept-new")}).Close()
	if got, want := f.read(t), keyLine("127.0.0.1", other.PublicKey())+"\n"+keyLine(f.name(), hk)+"\n"; got != want {
		t.Errorf("known_hosts %q, want %q", got, want)
	}

	// An entry for [host]:port decides alone: changed there, refused even
	// though the plain name holds the key.
	f.write(t, keyLine(f.name(), other.PublicKey())+"\n"+keyLine("127.0.0.1", hk)+"\n")
	err, _ = dialErr(t, DialOptions{Target: f.target("no")})
	var ce *HostKeyChangedError
	if !errors.As(err, &ce) || ce.Line != 1 {
		t.Fatalf("want HostKeyChangedError at line 1, got %v", err)
	}

	// HostKeyAlias turns the fallback off.
	f.write(t, keyLine("127.0.0.1", hk)+"\n")
	tg := f.target("yes")
	tg.HostKeyAlias = "alias"
	err, _ = dialErr(t, DialOptions{Target: tg})
	if !errors.As(err, &ue) {
		t.Fatalf("alias: want HostKeyUnknownError, got %v", err)
	}

	// Revoked under the plain name: refused (stricter than ssh, which
	// would go on as for a new key).
	f.write(t, "@revoked 127.0.0.1 "+keyLine("", hk)+"\n")
	err, _ = dialErr(t, DialOptions{Target: f.target("accept-new")})
	var re *HostKeyRevokedError
	if !errors.As(err, &re) || re.Host != "127.0.0.1" {
		t.Fatalf("want HostKeyRevokedError for 127.0.0.1, got %v", err)
	}
}

func TestHostKeyChangedReportsLastEntry(t *testing.T) {
	checkLeaks(t)
	f := newHostKeyFixture(t, sshtest.Options{})
	a, _ := sshtest.NewSigner()
	b, _ := sshtest.NewSigner()
	// As ssh: the offending key is the last entry for the host; an entry
	// with the right key anywhere accepts.
	f.write(t, "# c\n"+keyLine(f.name(), a.PublicKey())+"\n"+keyLine(f.name(), b.PublicKey())+"\nfoo "+keyLine("", f.srv.HostKey())+"\n")
	err, _ := dialErr(t, DialOptions{Target: f.target("yes")})
	var ce *HostKeyChangedError
	if !errors.As(err, &ce) || ce.Line != 3 || ce.KnownFingerprint != ssh.FingerprintSHA256(b.PublicKey()) {
		t.Fatalf("want HostKeyChangedError at line 3, got %v", err)
	}
	f.write(t, keyLine(f.name(), a.PublicKey())+"\n"+keyLine(f.name(), f.srv.HostKey())+"\n"+keyLine(f.name(), b.PublicKey())+"\n")
	dialT(t, DialOptions{Target: f.target("yes")}).Close()
}

func TestHostKeyCertPortFallback(t *testing.T) {
	checkLeaks(t)
	hk, _ := sshtest.NewSigner()
	ca, _ := sshtest.NewSigner()
	f := newHostKeyFixture(t, sshtest.Options{HostSigner: hostCertSigner(t, hk, ca, "127.0.0.1")})
	// A CA trusted only for the plain name accepts the certificate of a
	// server on another port, as in ssh; nothing is written.
	before := f.write(t, "@cert-authority 127.0.0.1 "+keyLine("", ca.PublicKey())+"\n")
	dialT(t, DialOptions{Target: f.target("yes")}).Close()
	if after, _ := os.ReadFile(f.kh); !bytes.Equal(after, before) {
		t.Errorf("known_hosts changed: %s", after)
	}
	// So does the certified key known under the plain name.
	before = f.write(t, keyLine("127.0.0.1", hk.PublicKey())+"\n")
	dialT(t, DialOptions{Target: f.target("yes")}).Close()
	if after, _ := os.ReadFile(f.kh); !bytes.Equal(after, before) {
		t.Errorf("known_hosts changed: %s", after)
	}
	// The CA trusted and revoked under the plain name: refused, and not
	// added as a new key (ssh would add it under accept-new).
	before = f.write(t, "@cert-authority 127.0.0.1 "+keyLine("", ca.PublicKey())+"\n@revoked 127.0.0.1 "+keyLine("", ca.PublicKey())+"\n")
	err, _ := dialErr(t, DialOptions{Target: f.target("accept-new")})
	var re *HostKeyRevokedError
	if !errors.As(err, &re) || re.Host != "127.0.0.1" || re.Line != 2 {
		t.Fatalf("want HostKeyRevokedError for 127.0.0.1 at line 2, got %v", err)
	}
	if after, _ := os.ReadFile(f.kh); !bytes.Equal(after, before) {
		t.Errorf("known_hosts changed: %s", after)
	}
}
