package session

import (
	"sync"

	"golang.org/x/crypto/ssh"
)

// Secrets keeps a session's decrypted private keys and passwords in
// memory so its reconnects do not ask again. It is never written anywhere
// and never logged. A nil *Secrets keeps nothing. It is safe for
// concurrent use.
type Secrets struct {
	mu        sync.Mutex            // guards keys and passwords
	keys      map[string]ssh.Signer // decrypted keys by SHA256 fingerprint of the public key (or "file:"+path)
	passwords map[string]string     // passwords by user@host:port
}

// NewSecrets returns an empty cache.
func NewSecrets() *Secrets {
	return &Secrets{keys: map[string]ssh.Signer{}, passwords: map[string]string{}}
}

// Forget drops everything kept.
func (s *Secrets) Forget() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.keys)
	clear(s.passwords)
}

func (s *Secrets) signer(id string) (ssh.Signer, bool) {
	if s == nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sg, ok := s.keys[id]
	return sg, ok
}

func (s *Secrets) putSigner(id string, sg ssh.Signer) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[id] = sg
}

func (s *Secrets) password(id string) (string, bool) {
	if s == nil {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pw, ok := s.passwords[id]
	return pw, ok
}

func (s *Secrets) putPassword(id, pw string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passwords[id] = pw
}

func (s *Secrets) forgetPassword(id string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.passwords, id)
}
