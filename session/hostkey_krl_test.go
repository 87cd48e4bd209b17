package session

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshtest"
	"github.com/sshdash/sshdash/internal/testenv"
)

// writePub writes k in authorized_keys form and returns the path.
func writePub(t *testing.T, dir, name string, k ssh.PublicKey) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, ssh.MarshalAuthorizedKey(k), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// makeKRL runs ssh-keygen -k with the given arguments (the KRL file is
// added first) and returns its path.
func makeKRL(t *testing.T, dir string, args ...string) string {
	t.Helper()
	bin := testenv.Need(t, "ssh-keygen")[0]
	krl := filepath.Join(dir, "revoked.krl")
	os.Remove(krl)
	out, err := exec.Command(bin, append([]string{"-q", "-k", "-f", krl}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen -k %v: %v\n%s", args, err, out)
	}
	return krl
}

// revokedDial dials the fixture's server with RevokedHostKeys set and the
// host key (or its CA) trusted in known_hosts, and returns the error.
func revokedDial(t *testing.T, f *hostKeyFixture, trust, revoked string) error {
	t.Helper()
	f.write(t, trust)
	tg := f.target("yes")
	tg.RevokedHostKeys = revoked
	err, _ := dialErr(t, DialOptions{Target: tg})
	return err
}

func wantRevoked(t *testing.T, err error, file, why string) {
	t.Helper()
	var re *HostKeyRevokedError
	if !errors.As(err, &re) || re.File != file || !IsPermanent(err) {
		t.Fatalf("want HostKeyRevokedError from %s, got %v", file, err)
	}
	mustContain(t, err.Error(), "REVOKED", file, why)
}

func TestRevokedHostKeysList(t *testing.T) {
	checkLeaks(t)
	f := newHostKeyFixture(t, sshtest.Options{})
	trust := keyLine(f.name(), f.srv.HostKey()) + "\n"
	other, _ := sshtest.NewSigner()

	// A list with another key: the known key is accepted.
	list := filepath.Join(f.dir, "revoked.pub")
	os.WriteFile(list, append([]byte("# revoked keys\n\n"), ssh.MarshalAuthorizedKey(other.PublicKey())...), 0o600)
	f.write(t, trust)
	tg := f.target("yes")
	tg.RevokedHostKeys = list
	dialT(t, DialOptions{Target: tg}).Close()

	// Listed: refused although known_hosts trusts it, and nothing written.
	os.WriteFile(list, append(ssh.MarshalAuthorizedKey(other.PublicKey()), ssh.MarshalAuthorizedKey(f.srv.HostKey())...), 0o600)
	wantRevoked(t, revokedDial(t, f, trust, list), list, "is listed")
	if got := f.read(t); got != trust {
		t.Errorf("known_hosts changed: %q", got)
	}

	// ~ and tokens are expanded, as ssh does (%h: the host name).
	os.Rename(list, filepath.Join(f.dir, "revoked-127.0.0.1"))
	tg.RevokedHostKeys = "~/revoked-%h"
	err, _ := dialErr(t, DialOptions{Target: tg, Home: f.dir})
	wantRevoked(t, err, filepath.Join(f.dir, "revoked-127.0.0.1"), "is listed")

	// "none" turns it off.
	tg.RevokedHostKeys = "none"
	dialT(t, DialOptions{Target: tg}).Close()

	// Unreadable or unparsable: every key refused, with the reason.
	for _, bad := range []string{filepath.Join(f.dir, "missing"), writeFile(t, f.dir, "garbage", "not a key at all\n")} {
		err := revokedDial(t, f, trust, bad)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Setting != "RevokedHostKeys" || !IsPermanent(err) {
			t.Errorf("RevokedHostKeys %s: want a ConfigError, got %v", bad, err)
		}
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// KRLs made by OpenSSH's ssh-keygen -k: explicit keys, SHA256
// fingerprints, and for host certificates the CA, serials and key IDs.
func TestRevokedHostKeysKRL(t *testing.T) {
	checkLeaks(t)
	f := newHostKeyFixture(t, sshtest.Options{})
	trust := keyLine(f.name(), f.srv.HostKey()) + "\n"
	other, _ := sshtest.NewSigner()
	hostPub := writePub(t, f.dir, "host.pub", f.srv.HostKey())
	otherPub := writePub(t, f.dir, "other.pub", other.PublicKey())

	krl := makeKRL(t, f.dir, otherPub)
	f.write(t, trust)
	tg := f.target("yes")
	tg.RevokedHostKeys = krl
	dialT(t, DialOptions{Target: tg}).Close()

	krl = makeKRL(t, f.dir, otherPub, hostPub)
	wantRevoked(t, revokedDial(t, f, trust, krl), krl, "is listed")

	spec := writeFile(t, f.dir, "spec", "sha256: "+string(ssh.MarshalAuthorizedKey(f.srv.HostKey())))
	krl = makeKRL(t, f.dir, spec)
	wantRevoked(t, revokedDial(t, f, trust, krl), krl, "SHA256 fingerprint")

	// Truncated: refused as unreadable.
	data, _ := os.ReadFile(krl)
	bad := writeFile(t, f.dir, "truncated.krl", string(data[:len(data)-3]))
	var ce *ConfigError
	if err := revokedDial(t, f, trust, bad); !errors.As(err, &ce) {
		t.Errorf("truncated KRL: want a ConfigError, got %v", err)
	}
}

// certSigner is a host certificate for hk signed by ca with a serial, a
// key ID and principals, valid for the hour around now.
func certSigner(t *testing.T, hk, ca ssh.Signer, serial uint64, id string, principals ...string) ssh.Signer {
	t.Helper()
	cert := &ssh.Certificate{
		Key: hk.PublicKey(), CertType: ssh.HostCert, KeyId: id, Serial: serial,
		ValidPrincipals: principals,
		ValidAfter:      uint64(time.Now().Add(-time.Hour).Unix()),
		ValidBefore:     uint64(time.Now().Add(time.Hour).Unix()),
	}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewCertSigner(cert, hk)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRevokedHostKeysKRLCertificates(t *testing.T) {
	checkLeaks(t)
	hk, _ := sshtest.NewSigner()
	ca, _ := sshtest.NewSigner()
	f := newHostKeyFixture(t, sshtest.Options{HostSigner: certSigner(t, hk, ca, 42, "web-42", "127.0.0.1")})
	trust := "@cert-authority * " + keyLine("", ca.PublicKey()) + "\n"
	caPub := writePub(t, f.dir, "ca.pub", ca.PublicKey())

	for _, tc := range []struct {
		spec, why string // why "": not revoked
	}{
		{"serial: 41\nserial: 43-50\nid: web-41\n", ""},
		{"serial: 42\n", "serial 42"},
		{"serial: 40-45\n", "serial 42"},
		{"id: web-42\n", `key ID "web-42"`},
		{evenSerials(2, 100), "serial 42"}, // ssh-keygen writes a bitmap for these
		{evenSerials(1, 99), ""},           // odd ones: a bitmap without 42
	} {
		krl := makeKRL(t, f.dir, "-s", caPub, writeFile(t, f.dir, "spec", tc.spec))
		if tc.why == "" {
			f.write(t, trust)
			tg := f.target("yes")
			tg.RevokedHostKeys = krl
			dialT(t, DialOptions{Target: tg}).Close()
			continue
		}
		wantRevoked(t, revokedDial(t, f, trust, krl), krl, tc.why)
	}

	// The CA itself revoked, in a key list.
	list := writeFile(t, f.dir, "revoked.pub", string(ssh.MarshalAuthorizedKey(ca.PublicKey())))
	wantRevoked(t, revokedDial(t, f, trust, list), list, "certificate authority")
}

// evenSerials lists every other serial from lo to hi as a KRL spec.
func evenSerials(lo, hi int) string {
	var b strings.Builder
	for i := lo; i <= hi; i += 2 {
		fmt.Fprintf(&b, "serial: %d\n", i)
	}
	return b.String()
}

// FuzzRevocations: no input makes the parser panic, and a parsed list can
// be checked.
func FuzzRevocations(f *testing.F) {
	ca, _ := sshtest.NewSigner()
	blob := ca.PublicKey().Marshal()
	str := func(b []byte) []byte { return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...) }
	head := append([]byte(krlMagic), 0, 0, 0, 1)
	head = append(head, make([]byte, 24)...)
	head = append(append(head, str(nil)...), str([]byte("comment"))...)
	certs := append(append(str(blob), str(nil)...), append([]byte{krlCertBitmap}, str(append(make([]byte, 8), str([]byte{0x55, 0x55})...))...)...)
	f.Add(append(append(bytes.Clone(head), krlCertificates), str(certs)...))
	f.Add(append(append(bytes.Clone(head), krlExplicitKey), str(str(blob))...))
	f.Add(ssh.MarshalAuthorizedKey(ca.PublicKey()))
	hk, _ := sshtest.NewSigner()
	cert := &ssh.Certificate{Key: hk.PublicKey(), CertType: ssh.HostCert, Serial: 2, KeyId: "k"}
	cert.SignCert(rand.Reader, ca)
	f.Fuzz(func(t *testing.T, data []byte) {
		rv, err := parseRevocations("fuzz", data)
		if err != nil {
			return
		}
		rv.check(cert)
		rv.check(hk.PublicKey())
	})
}
