package session

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Forget zeroes the passwords and private keys the cache owns, and drops
// them.
func TestSecretsForgetZeroes(t *testing.T) {
	s := NewSecrets()
	s.putPassword("u@h:22", "hunter2")
	pw := s.passwords["u@h:22"]

	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	edRaw := &edPriv
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for id, raw := range map[string]any{"ed": edRaw, "rsa": rsaKey, "ec": ecKey} {
		sg, err := ssh.NewSignerFromKey(raw)
		if err != nil {
			t.Fatal(err)
		}
		s.putSigner(id, sg, raw)
	}
	if got, ok := s.password("u@h:22"); !ok || got != "hunter2" {
		t.Fatalf("password %q %v before Forget", got, ok)
	}
	s.Forget()
	if !bytes.Equal(pw, make([]byte, len(pw))) {
		t.Errorf("password bytes not zeroed: %q", pw)
	}
	if !bytes.Equal(edPriv, make([]byte, len(edPriv))) {
		t.Error("ed25519 private key not zeroed")
	}
	if rsaKey.D.Sign() != 0 || rsaKey.Primes[0].Sign() != 0 || rsaKey.Primes[1].Sign() != 0 {
		t.Error("RSA private exponent or primes not zeroed")
	}
	//lint:ignore SA1019 reads the scalar only to check that it was zeroed
	if ecKey.D.Sign() != 0 {
		t.Error("ECDSA private scalar not zeroed")
	}
	if _, ok := s.password("u@h:22"); ok {
		t.Error("password still kept")
	}
	for _, id := range []string{"ed", "rsa", "ec"} {
		if _, ok := s.signer(id); ok {
			t.Errorf("key %s still kept", id)
		}
	}
	var nilSecrets *Secrets
	nilSecrets.Forget() // keeps nothing, forgets nothing
}
