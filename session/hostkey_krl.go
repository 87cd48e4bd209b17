package session

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
)

// RevokedHostKeys, as ssh reads it: the file is a key revocation list
// (KRL, made by ssh-keygen -k; format in OpenSSH's PROTOCOL.krl) or, if it
// does not start with the KRL magic, a list of public keys, one per line.
// A host key is refused when it, its fingerprint, or (for a certificate)
// its CA, its serial or its key ID is listed. A file that cannot be read
// or parsed refuses every key, as in ssh.

// krlMagic starts every KRL.
const krlMagic = "SSHKRL\n\x00"

// KRL section types (PROTOCOL.krl).
const (
	krlCertificates = 1
	krlExplicitKey  = 2
	krlSHA1         = 3
	krlSignature    = 4
	krlSHA256       = 5
	krlCertSerials  = 0x20
	krlCertRange    = 0x21
	krlCertBitmap   = 0x22
	krlCertKeyID    = 0x23
)

// revocations is a parsed RevokedHostKeys file.
type revocations struct {
	path   string
	keys   map[string]bool // marshalled plain public keys
	sha1   map[[sha1.Size]byte]bool
	sha256 map[[sha256.Size]byte]bool
	cas    map[string]*revokedCerts // by marshalled CA key; "" is any CA
}

// revokedCerts are the certificates revoked for one CA.
type revokedCerts struct {
	ranges  [][2]uint64 // inclusive serial ranges
	bitmaps []serialBitmap
	keyIDs  map[string]bool
}

// serialBitmap revokes serial off+i for every bit i set.
type serialBitmap struct {
	off  uint64
	bits *big.Int
}

// has reports whether serial is revoked by the bitmap.
func (b serialBitmap) has(serial uint64) bool {
	if serial < b.off || serial-b.off >= uint64(b.bits.BitLen()) {
		return false
	}
	return b.bits.Bit(int(serial-b.off)) == 1
}

// loadRevocations reads a RevokedHostKeys file.
func loadRevocations(path string) (*revocations, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("RevokedHostKeys: %w", err)
	}
	return parseRevocations(path, data)
}

// parseRevocations parses the content of a RevokedHostKeys file.
func parseRevocations(path string, data []byte) (*revocations, error) {
	var err error
	rv := &revocations{path: path, keys: map[string]bool{}, sha1: map[[sha1.Size]byte]bool{},
		sha256: map[[sha256.Size]byte]bool{}, cas: map[string]*revokedCerts{}}
	if bytes.HasPrefix(data, []byte(krlMagic)) {
		err = rv.parseKRL(data)
	} else {
		err = rv.parseKeyList(data)
	}
	if err != nil {
		return nil, fmt.Errorf("RevokedHostKeys %s: %w", path, err)
	}
	return rv, nil
}

// parseKeyList reads public keys, one per line; blank lines and lines
// starting with # are skipped. A line that is not a key is an error.
func (rv *revocations) parseKeyList(data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return fmt.Errorf("line %d: not a public key: %w", n, err)
		}
		if cert, ok := key.(*ssh.Certificate); ok {
			key = cert.Key
		}
		// A listed key also revokes the certificates it signed (ssh checks
		// the CA of a host certificate against the list too).
		rv.keys[string(key.Marshal())] = true
	}
	return sc.Err()
}

// krlReader reads SSH wire encoding, remembering the first error.
type krlReader struct {
	b   []byte
	err error
}

func (r *krlReader) fail() { r.err, r.b = errors.New("truncated or malformed KRL"), nil }

// take returns the next n bytes, or nil (and the error set) if there are
// not that many.
func (r *krlReader) take(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *krlReader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (r *krlReader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *krlReader) byte1() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *krlReader) str() []byte { return r.take(uint64(r.u32())) }

// parseKRL reads a binary KRL.
func (rv *revocations) parseKRL(data []byte) error {
	r := &krlReader{b: data[len(krlMagic):]}
	if v := r.u32(); r.err == nil && v != 1 {
		return fmt.Errorf("KRL format version %d not supported", v)
	}
	r.u64() // krl_version
	r.u64() // generated_date
	r.u64() // flags
	r.str() // reserved
	r.str() // comment
	for r.err == nil && len(r.b) > 0 {
		typ, sec := r.byte1(), r.str()
		if r.err != nil {
			break
		}
		s := &krlReader{b: sec}
		switch typ {
		case krlCertificates:
			rv.parseCerts(s)
		case krlExplicitKey:
			for s.err == nil && len(s.b) > 0 {
				blob := s.str()
				if key, err := ssh.ParsePublicKey(blob); err == nil {
					rv.keys[string(key.Marshal())] = true
				} else if s.err == nil {
					s.err = fmt.Errorf("revoked key: %w", err)
				}
			}
		case krlSHA1:
			for s.err == nil && len(s.b) > 0 {
				if h := s.str(); len(h) == sha1.Size {
					rv.sha1[[sha1.Size]byte(h)] = true
				} else if s.err == nil {
					s.err = errors.New("SHA1 fingerprint of the wrong length")
				}
			}
		case krlSHA256:
			for s.err == nil && len(s.b) > 0 {
				if h := s.str(); len(h) == sha256.Size {
					rv.sha256[[sha256.Size]byte(h)] = true
				} else if s.err == nil {
					s.err = errors.New("SHA256 fingerprint of the wrong length")
				}
			}
		case krlSignature:
			// Signatures vouch for who made the list; a revocation needs
			// no authority to be honoured, so they are not checked.
			s.b = nil
		default:
			return fmt.Errorf("unsupported KRL section type %d", typ)
		}
		if s.err != nil {
			return s.err
		}
	}
	return r.err
}

// parseCerts reads a certificates section: a CA (empty: any CA) and its
// subsections of serials, serial ranges, serial bitmaps and key IDs.
func (rv *revocations) parseCerts(s *krlReader) {
	caBlob := s.str()
	s.str() // reserved
	if s.err != nil {
		return
	}
	ca := ""
	if len(caBlob) > 0 {
		key, err := ssh.ParsePublicKey(caBlob)
		if err != nil {
			s.err = fmt.Errorf("certificate section CA: %w", err)
			return
		}
		ca = string(key.Marshal())
	}
	rc := rv.cas[ca]
	if rc == nil {
		rc = &revokedCerts{keyIDs: map[string]bool{}}
		rv.cas[ca] = rc
	}
	for s.err == nil && len(s.b) > 0 {
		typ, sub := s.byte1(), s.str()
		if s.err != nil {
			return
		}
		u := &krlReader{b: sub}
		switch typ {
		case krlCertSerials:
			for u.err == nil && len(u.b) > 0 {
				v := u.u64()
				rc.ranges = append(rc.ranges, [2]uint64{v, v})
			}
		case krlCertRange:
			for u.err == nil && len(u.b) > 0 {
				lo, hi := u.u64(), u.u64()
				if lo > hi && u.err == nil {
					u.err = errors.New("serial range with its ends swapped")
				}
				rc.ranges = append(rc.ranges, [2]uint64{lo, hi})
			}
		case krlCertBitmap:
			off := u.u64()
			bits := new(big.Int).SetBytes(u.str()) // mpint: non-negative here
			if u.err == nil {
				rc.bitmaps = append(rc.bitmaps, serialBitmap{off: off, bits: bits})
			}
		case krlCertKeyID:
			for u.err == nil && len(u.b) > 0 {
				rc.keyIDs[string(u.str())] = true
			}
		default:
			u.err = fmt.Errorf("unsupported KRL certificate section type %#x", typ)
		}
		if u.err != nil {
			s.err = u.err
		}
	}
}

// check reports why key is revoked, or "" if it is not: its plain key
// listed or fingerprinted, and for a certificate its CA, its serial or its
// key ID.
func (rv *revocations) check(key ssh.PublicKey) string {
	plain := key
	cert, isCert := key.(*ssh.Certificate)
	if isCert {
		plain = cert.Key
	}
	if why := rv.checkPlain(plain); why != "" {
		return why
	}
	if !isCert {
		return ""
	}
	if why := rv.checkPlain(cert.SignatureKey); why != "" {
		return "its certificate authority " + why
	}
	for _, ca := range []string{string(cert.SignatureKey.Marshal()), ""} {
		rc := rv.cas[ca]
		if rc == nil {
			continue
		}
		if rc.keyIDs[cert.KeyId] {
			return fmt.Sprintf("certificate key ID %q is revoked", cert.KeyId)
		}
		if cert.Serial == 0 { // serial 0 is never revoked by serial (PROTOCOL.krl)
			continue
		}
		for _, r := range rc.ranges {
			if cert.Serial >= r[0] && cert.Serial <= r[1] {
				return fmt.Sprintf("certificate serial %d is revoked", cert.Serial)
			}
		}
		for _, b := range rc.bitmaps {
			if b.has(cert.Serial) {
				return fmt.Sprintf("certificate serial %d is revoked", cert.Serial)
			}
		}
	}
	return ""
}

// checkPlain checks a plain (non-certificate) key.
func (rv *revocations) checkPlain(key ssh.PublicKey) string {
	blob := key.Marshal()
	switch {
	case rv.keys[string(blob)]:
		return "is listed"
	case rv.sha256[sha256.Sum256(blob)]:
		return "is listed by its SHA256 fingerprint"
	case rv.sha1[sha1.Sum(blob)]:
		return "is listed by its SHA1 fingerprint"
	}
	return ""
}
