package session

import (
	"bytes"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// This file holds the verdict on a first key exchange's host key, as
// OpenSSH 9.2 reaches it; hostkey.go holds the checker, the question and
// the append.

// verify applies the rules for a first key exchange, in OpenSSH 9.2's
// order (sshconnect.c check_host_key, hostfile.c check_key_in_hostkeys):
//   - a certificate is accepted when a matching @cert-authority trusts it
//     for the host, else it is checked as its plain key;
//   - any plain entry for the name holding the same key accepts it;
//   - otherwise any plain entry for the name, of whatever key type, means
//     the host key has CHANGED: refused (ssh too refuses it under yes, ask
//     and accept-new, and with no/off only connects with password,
//     keyboard-interactive and forwarding disabled; sshdash refuses then
//     too);
//   - with no entry at all for [host]:port, the port-less name is tried
//     read-only: a match there accepts the key and nothing is written;
//   - else the key is new and StrictHostKeyChecking decides.
//
// @revoked keys are refused under every policy, also when found under the
// port-less name (where ssh would go on as for a new key).
func (c *hostKeyChecker) verify(key ssh.PublicKey) error {
	if c.revokedKeys != nil {
		if why := c.revokedKeys.check(key); why != "" {
			return &HostKeyRevokedError{Host: c.name, File: c.revokedKeys.path, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key), Reason: why}
		}
	}
	if cert, ok := key.(*ssh.Certificate); ok {
		done, err := c.verifyCert(c.known, c.name, cert)
		if done || err != nil {
			return err
		}
		if c.portless != nil {
			// ssh's port-less retry gets the certificate, and checks its
			// plain key there before the plain key is checked for
			// [host]:port.
			done, err := c.verifyCert(c.portless, c.portName, cert)
			if err != nil {
				return err
			}
			if done {
				c.log(fmt.Sprintf("host certificate of %s accepted by a @cert-authority for %s (without the port)", c.name, c.portName))
				return nil
			}
			if ok, err := c.knownWithoutPort(cert.Key); ok || err != nil {
				return err
			}
		}
		key = cert.Key // no trusted CA: check the plain key, as ssh does
	}
	if e := findEntry(c.known, khRevoked, key); e != nil {
		return c.revoked(c.name, e, key)
	}
	switch st, e := plainStatus(c.known, key); st {
	case khOK:
		return nil
	case khChanged:
		return &HostKeyChangedError{
			Host: c.name, File: e.File, Line: e.Line,
			KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key),
			KnownKeyType: e.Key.Type(), KnownFingerprint: ssh.FingerprintSHA256(e.Key),
		}
	}
	if c.portless != nil {
		if ok, err := c.knownWithoutPort(key); ok || err != nil {
			return err
		}
	}
	return c.unknown(key)
}

// knownWithoutPort is ssh's port-less retry for a plain key: ok when an
// entry for the host name without the port holds key. Nothing is written
// either way. A key revoked under that name is refused.
func (c *hostKeyChecker) knownWithoutPort(key ssh.PublicKey) (ok bool, err error) {
	if e := findEntry(c.portless, khRevoked, key); e != nil {
		return false, c.revoked(c.portName, e, key)
	}
	st, e := plainStatus(c.portless, key)
	if st != khOK {
		return false, nil
	}
	c.log(fmt.Sprintf("host key %s %s of %s found under %s without the port (%s:%d)", key.Type(), ssh.FingerprintSHA256(key), c.name, c.portName, e.File, e.Line))
	return true, nil
}

// khStatus is the verdict of a set of known_hosts entries on a plain key.
type khStatus int

const (
	khNew     khStatus = iota // no plain entry for the name
	khOK                      // an entry holds the key
	khChanged                 // entries exist, none holds the key
)

// plainStatus is OpenSSH's check_key_in_hostkeys for a plain key: khOK
// with the entry holding key; else khChanged with the last plain entry
// (of any key type: ssh reports keys of another type as a changed host
// key too), else khNew.
func plainStatus(entries []khEntry, key ssh.PublicKey) (khStatus, *khEntry) {
	st, found := khNew, (*khEntry)(nil)
	want := key.Marshal()
	for i := range entries {
		e := &entries[i]
		if e.Marker != khPlain {
			continue
		}
		if bytes.Equal(e.Key.Marshal(), want) {
			return khOK, e
		}
		st, found = khChanged, e
	}
	return st, found
}

// verifyCert checks a host certificate against the @cert-authority and
// @revoked entries of one name. done reports that the certificate settled
// the matter; false means no matching CA trusts it and the plain key must
// be checked.
func (c *hostKeyChecker) verifyCert(entries []khEntry, name string, cert *ssh.Certificate) (done bool, err error) {
	if e := findEntry(entries, khRevoked, cert.Key); e != nil {
		return true, c.revoked(name, e, cert.Key)
	}
	if e := findEntry(entries, khRevoked, cert.SignatureKey); e != nil {
		return true, c.revoked(name, e, cert.SignatureKey)
	}
	if findEntry(entries, khCA, cert.SignatureKey) == nil {
		c.log(fmt.Sprintf("host certificate of %s is signed by a CA not trusted for %s (%s); checking the plain host key", c.name, name, ssh.FingerprintSHA256(cert.SignatureKey)))
		return false, nil
	}
	if cert.CertType != ssh.HostCert {
		return true, fmt.Errorf("server %s presented a certificate of type %d as its host key", c.name, cert.CertType)
	}
	checker := ssh.CertChecker{}
	if err := checker.CheckCert(c.principal, cert); err != nil {
		c.log(fmt.Sprintf("host certificate of %s is not valid (%v); checking the plain host key", c.name, err))
		return false, nil
	}
	return true, nil
}

// findEntry returns the first entry with the marker whose key equals key.
func findEntry(entries []khEntry, m khMarker, key ssh.PublicKey) *khEntry {
	want := key.Marshal()
	for i := range entries {
		if entries[i].Marker == m && bytes.Equal(entries[i].Key.Marshal(), want) {
			return &entries[i]
		}
	}
	return nil
}

func (c *hostKeyChecker) revoked(name string, e *khEntry, key ssh.PublicKey) error {
	return &HostKeyRevokedError{Host: name, File: e.File, Line: e.Line, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key)}
}
