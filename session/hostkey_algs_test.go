package session

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"slices"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/sshtest"
	"golang.org/x/crypto/ssh"
)

// The expected lists are what OpenSSH 9.2 printed ("debug2: host key
// algorithms:" with ssh -vvv) for the same known_hosts and settings, with
// the sk-* algorithms x/crypto cannot verify left out.
func TestHostKeyAlgorithmsOrderAsOpenSSH(t *testing.T) {
	ed, _ := sshtest.NewSigner()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := ssh.NewSignerFromKey(rk)
	ek, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ec, _ := ssh.NewSignerFromKey(ek)
	plain := func(k ssh.PublicKey) khEntry { return khEntry{Marker: khPlain, Key: k} }
	const (
		edC  = "ssh-ed25519-cert-v01@openssh.com"
		e256 = "ecdsa-sha2-nistp256-cert-v01@openssh.com"
		e384 = "ecdsa-sha2-nistp384-cert-v01@openssh.com"
		e521 = "ecdsa-sha2-nistp521-cert-v01@openssh.com"
		r512 = "rsa-sha2-512-cert-v01@openssh.com"
		r256 = "rsa-sha2-256-cert-v01@openssh.com"
	)
	def := "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com," +
		"ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com," +
		"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"
	rsaFirst := strings.Join([]string{r512, r256, "rsa-sha2-512", "rsa-sha2-256", edC, e256, e384, e521,
		"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"}, ",")
	for _, c := range []struct {
		name       string
		configured []string
		known      []khEntry
		want       string
	}{
		{"nothing known", nil, nil, def},
		{"ed25519 known: verbatim", nil, []khEntry{plain(ed.PublicKey())}, def},
		{"rsa known", nil, []khEntry{plain(rs.PublicKey())}, rsaFirst},
		{"ecdsa-384 known", nil, []khEntry{plain(ec.PublicKey())}, strings.Join([]string{e384, "ecdsa-sha2-nistp384", edC, e256, e521, r512, r256,
			"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"}, ",")},
		{"only a CA known", nil, []khEntry{{Marker: khCA, Key: ed.PublicKey()}}, def},
		{"a revoked rsa key does not count", nil, []khEntry{{Marker: khRevoked, Key: rs.PublicKey()}}, def},
		{"rsa known, +ssh-rsa", []string{"+ssh-rsa"}, []khEntry{plain(rs.PublicKey())}, strings.Join([]string{r512, r256, "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
			edC, e256, e384, e521, "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"}, ",")},
		{"rsa known, -ssh-ed25519", []string{"-ssh-ed25519"}, []khEntry{plain(rs.PublicKey())}, strings.Join([]string{r512, r256, "rsa-sha2-512", "rsa-sha2-256",
			edC, e256, e384, e521, "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"}, ",")},
		{"rsa known, ^rsa-sha2-256: not reordered", []string{"^rsa-sha2-256"}, []khEntry{plain(rs.PublicKey())}, strings.Join([]string{"rsa-sha2-256",
			edC, e256, e384, e521, r512, r256, "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512"}, ",")},
		{"rsa known, explicit list: not reordered", []string{"ssh-ed25519", "rsa-sha2-256"}, []khEntry{plain(rs.PublicKey())}, "ssh-ed25519,rsa-sha2-256"},
		{"explicit list drops unknown names", []string{"ssh-ed25519,rsa-sha2-512,bogus"}, nil, "ssh-ed25519,rsa-sha2-512"},
		{"remove all certificates", []string{"-*-cert-v01@openssh.com"}, nil, "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"},
	} {
		if got := strings.Join(hostKeyAlgorithms(c.configured, c.known), ","); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	if got, _ := configuredHostKeyAlgorithms([]string{"^ssh-ed25519"}); got[0] != "ssh-ed25519" || slices.Index(got[1:], "ssh-ed25519") >= 0 {
		t.Errorf("prepend: %v", got)
	}
	for _, a := range []string{edC, r512, "rsa-sha2-256", "ssh-rsa-cert-v01@openssh.com"} {
		if keyTypeOfAlgo(a) == "" || isCertAlgo(keyTypeOfAlgo(a)) {
			t.Errorf("keyTypeOfAlgo(%s) = %q", a, keyTypeOfAlgo(a))
		}
	}
}
