package session

import (
	//lint:ignore SA1019 ssh-dss keys still exist; their secret is zeroed too
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"math/big"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Secrets keeps a session's decrypted private keys and passwords in
// memory so its reconnects do not ask again. It is never written anywhere
// and never logged. A nil *Secrets keeps nothing. It is safe for
// concurrent use.
//
// Forget zeroes the bytes the cache owns: passwords, and the private
// parts of the decrypted keys it parsed. Copies it does not own are out
// of its reach: the string handed to the SSH library for one login, and
// the copies Go's crypto packages make inside RSA and ECDSA keys; those
// go with the garbage collector once nothing refers to them.
type Secrets struct {
	mu        sync.Mutex           // guards keys and passwords
	keys      map[string]secretKey // decrypted keys by SHA256 fingerprint of the public key (or "file:"+path)
	passwords map[string][]byte    // passwords by user@host:port
}

// secretKey is a decrypted key: the signer in use and the raw private key
// under it, kept to be zeroed.
type secretKey struct {
	signer ssh.Signer
	raw    any // *rsa.PrivateKey, *ecdsa.PrivateKey, *ed25519.PrivateKey, *dsa.PrivateKey or nil
}

// NewSecrets returns an empty cache.
func NewSecrets() *Secrets {
	return &Secrets{keys: map[string]secretKey{}, passwords: map[string][]byte{}}
}

// Forget zeroes and drops everything kept. Signers handed out before
// cannot sign afterwards; the session forgets only when it has no
// connection attempt in progress (closed or failed).
func (s *Secrets) Forget() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		zeroKey(k.raw)
	}
	for _, pw := range s.passwords {
		clear(pw)
	}
	clear(s.keys)
	clear(s.passwords)
}

func (s *Secrets) signer(id string) (ssh.Signer, bool) {
	if s == nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	return k.signer, ok
}

// putSigner keeps a decrypted key; raw is the private key under sg (see
// secretKey), zeroed by Forget.
func (s *Secrets) putSigner(id string, sg ssh.Signer, raw any) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.keys[id]; ok && old.raw != raw {
		zeroKey(old.raw)
	}
	s.keys[id] = secretKey{signer: sg, raw: raw}
}

func (s *Secrets) password(id string) (string, bool) {
	if s == nil {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pw, ok := s.passwords[id]
	return string(pw), ok
}

func (s *Secrets) putPassword(id, pw string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.passwords[id])
	s.passwords[id] = []byte(pw)
}

func (s *Secrets) forgetPassword(id string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.passwords[id])
	delete(s.passwords, id)
}

// zeroKey overwrites the private parts of a raw private key.
func zeroKey(raw any) {
	switch k := raw.(type) {
	case *ed25519.PrivateKey:
		clear(*k)
	case ed25519.PrivateKey:
		clear(k)
	case *rsa.PrivateKey:
		zeroInt(k.D)
		for _, p := range k.Primes {
			zeroInt(p)
		}
		zeroInt(k.Precomputed.Dp)
		zeroInt(k.Precomputed.Dq)
		zeroInt(k.Precomputed.Qinv)
		//lint:ignore SA1019 deprecated but still filled in for multi-prime keys: zeroed with the rest
		for _, v := range k.Precomputed.CRTValues {
			zeroInt(v.Exp)
			zeroInt(v.Coeff)
			zeroInt(v.R)
		}
	case *ecdsa.PrivateKey:
		//lint:ignore SA1019 the scalar is overwritten on purpose: the key is being forgotten, never used again
		zeroInt(k.D)
	case *dsa.PrivateKey:
		zeroInt(k.X)
	}
}

// zeroInt overwrites n's words and sets it to 0.
func zeroInt(n *big.Int) {
	if n == nil {
		return
	}
	clear(n.Bits())
	n.SetInt64(0)
}
