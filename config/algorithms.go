package config

import "strings"

// Algorithm lists of OpenSSH 9.2p1 as built by Debian 12 (ssh -Q and the
// defaults ssh -G prints). "all" lists are in OpenSSH's internal order,
// which matters when a pattern selects several names.
const (
	allCiphers = "3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,aes128-ctr,aes192-ctr,aes256-ctr," +
		"aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com"
	defCiphers = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr," +
		"aes128-gcm@openssh.com,aes256-gcm@openssh.com"

	allMACs = "hmac-sha1,hmac-sha1-96,hmac-sha2-256,hmac-sha2-512,hmac-md5,hmac-md5-96," +
		"umac-64@openssh.com,umac-128@openssh.com,hmac-sha1-etm@openssh.com,hmac-sha1-96-etm@openssh.com," +
		"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-md5-etm@openssh.com," +
		"hmac-md5-96-etm@openssh.com,umac-64-etm@openssh.com,umac-128-etm@openssh.com"
	defMACs = "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com," +
		"hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com," +
		"umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"

	allKex = "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,diffie-hellman-group14-sha256," +
		"diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1," +
		"diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," +
		"curve25519-sha256,curve25519-sha256@libssh.org,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com"
	defKex = "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256," +
		"curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," +
		"diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512," +
		"diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"

	// allKeys is every key type, certificates and signature-only types
	// included, in OpenSSH's keyimpls order.
	allKeys = "ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,sk-ssh-ed25519@openssh.com," +
		"sk-ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com," +
		"ecdsa-sha2-nistp384,ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521," +
		"ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com," +
		"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,webauthn-sk-ecdsa-sha2-nistp256@openssh.com," +
		"ssh-dss,ssh-dss-cert-v01@openssh.com,ssh-rsa,ssh-rsa-cert-v01@openssh.com,rsa-sha2-256," +
		"rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512,rsa-sha2-512-cert-v01@openssh.com"
	defKeys = "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com," +
		"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com," +
		"sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," +
		"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519," +
		"ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com," +
		"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"

	// allSigs is every plain key type including signature-only ones.
	allSigs = "ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," +
		"ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,webauthn-sk-ecdsa-sha2-nistp256@openssh.com," +
		"ssh-dss,ssh-rsa,rsa-sha2-256,rsa-sha2-512"
	defSigs = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," +
		"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"

	// gssKex lists the Debian GSSAPI key exchange prefixes.
	allGSSKex = "gss-gex-sha1-,gss-group1-sha1-,gss-group14-sha1-,gss-group14-sha256-," +
		"gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-"
	defGSSKex = "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-," +
		"gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-"
)

// algoList describes one algorithm keyword: its default and full lists and
// whether wildcard patterns are accepted when validating.
type algoList struct {
	def, all string
	wildcard bool
}

var algoLists = map[string]algoList{
	"ciphers":                     {defCiphers, allCiphers, false},
	"macs":                        {defMACs, allMACs, false},
	"kexalgorithms":               {defKex, allKex, false},
	"hostkeyalgorithms":           {defKeys, allKeys, true},
	"hostbasedacceptedalgorithms": {defKeys, allKeys, true},
	"pubkeyacceptedalgorithms":    {defKeys, allKeys, true},
	"casignaturealgorithms":       {defSigs, allSigs, true},
}

// inList reports whether name is an element of the comma-separated list.
func inList(list, name string) bool {
	for list != "" {
		var item string
		item, list, _ = strings.Cut(list, ",")
		if item == name {
			return true
		}
	}
	return false
}

// namesValid is OpenSSH's ciphers_valid/mac_valid/kex_names_valid and, with
// wildcard, sshkey_names_valid2: every name (up to the first empty one)
// must be known, or for key types match some known name.
func namesValid(names, all string, wildcard bool) bool {
	if names == "" {
		return false
	}
	for _, p := range strings.Split(names, ",") {
		if p == "" {
			break
		}
		if inList(all, p) {
			continue
		}
		if wildcard && patternListAny(all, p) {
			continue
		}
		return false
	}
	return true
}

// patternListAny reports whether any name of list gets a positive or
// negative match from the pattern list pats.
func patternListAny(list, pats string) bool {
	for _, n := range strings.Split(list, ",") {
		if matchPatternListC(n, pats, false) != 0 {
			return true
		}
	}
	return false
}

// filterAllow returns the names of list matched by the pattern list.
func filterAllow(list, pats string) string {
	var out []string
	for _, n := range strings.Split(list, ",") {
		if n != "" && matchPatternListC(n, pats, false) == 1 {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

// filterDeny returns the names of list not matched by the pattern list.
func filterDeny(list, pats string) string {
	var out []string
	for _, n := range strings.Split(list, ",") {
		if n != "" && matchPatternListC(n, pats, false) != 1 {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

// namesCat is OpenSSH's kex_names_cat: a followed by the names of b not
// already in a.
func namesCat(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	ret := a
	for _, p := range strings.Split(b, ",") {
		if p == "" {
			break
		}
		if inList(ret, p) {
			continue
		}
		ret += "," + p
	}
	return ret
}

// assembleNames is OpenSSH's kex_assemble_names: it applies a configured
// list ("+", "-", "^" prefixes or an explicit pattern list) to the
// defaults. ok is false when the result would be empty or invalid.
func assembleNames(list, def, all string) (string, bool) {
	if list == "" {
		return def, true
	}
	switch list[0] {
	case '+':
		list = namesCat(def, list[1:])
	case '-':
		return filterDeny(def, list[1:]), true
	case '^':
		list = namesCat(list[1:], def)
	}
	ret := ""
	for _, p := range strings.Split(list, ",") {
		if strings.HasPrefix(p, "!") {
			return "", false
		}
		ret = namesCat(ret, filterAllow(all, p))
	}
	if ret == "" {
		return "", false
	}
	return ret, true
}

// algoKeywords lists the algorithm keywords with their ids, for checks
// that run on every resolution.
var algoKeywords = func() []struct {
	name string
	id   int
	algoList
} {
	var out []struct {
		name string
		id   int
		algoList
	}
	for _, name := range []string{"ciphers", "macs", "kexalgorithms", "hostkeyalgorithms",
		"hostbasedacceptedalgorithms", "pubkeyacceptedalgorithms", "casignaturealgorithms"} {
		out = append(out, struct {
			name string
			id   int
			algoList
		}{name, kw(name).id, algoLists[name]})
	}
	return out
}()
