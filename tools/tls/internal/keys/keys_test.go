package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestGenerateAndEncode(t *testing.T) {
	tests := []struct {
		name       string
		alg        Algorithm
		bits       int
		curve      string
		pemType    string
		wantBits   int    // RSA
		wantCurve  string // ECDSA, crypto/elliptic name
		wantSSH    bool
		sshKeyType string
	}{
		{"rsa 2048", RSA, 2048, DefaultCurve, "RSA PRIVATE KEY", 2048, "", true, ssh.KeyAlgoRSA},
		{"rsa 3072", RSA, 3072, DefaultCurve, "RSA PRIVATE KEY", 3072, "", true, ssh.KeyAlgoRSA},
		{"ecdsa P224 has no ssh form", ECDSA, DefaultRSABits, "P224", "EC PRIVATE KEY", 0, "P-224", false, ""},
		{"ecdsa P256", ECDSA, DefaultRSABits, "P256", "EC PRIVATE KEY", 0, "P-256", true, ssh.KeyAlgoECDSA256},
		{"ecdsa P384", ECDSA, DefaultRSABits, "P384", "EC PRIVATE KEY", 0, "P-384", true, ssh.KeyAlgoECDSA384},
		{"ecdsa P521", ECDSA, DefaultRSABits, "P521", "EC PRIVATE KEY", 0, "P-521", true, ssh.KeyAlgoECDSA521},
		{"ed25519", ED25519, DefaultRSABits, DefaultCurve, "PRIVATE KEY", 0, "", true, ssh.KeyAlgoED25519},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := Generate(tt.alg, tt.bits, tt.curve)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := Encode(key)
			if err != nil {
				t.Fatal(err)
			}

			// privateKeyPem: the upstream PEM type, parses back to the same key.
			if got := pemType(t, enc.PrivateKeyPem); got != tt.pemType {
				t.Errorf("privateKeyPem type = %q, want %q", got, tt.pemType)
			}
			parsed, alg, err := ParsePrivateKeyPEM(enc.PrivateKeyPem)
			if err != nil {
				t.Fatalf("parsing privateKeyPem: %v", err)
			}
			if alg != tt.alg {
				t.Errorf("algorithm = %s, want %s", alg, tt.alg)
			}
			mustEqualKeys(t, key, parsed)

			// privateKeyPemPkcs8
			if got := pemType(t, enc.PrivateKeyPemPkcs8); got != "PRIVATE KEY" {
				t.Errorf("privateKeyPemPkcs8 type = %q", got)
			}
			pkcs8, _, err := ParsePrivateKeyPEM(enc.PrivateKeyPemPkcs8)
			if err != nil {
				t.Fatalf("parsing privateKeyPemPkcs8: %v", err)
			}
			mustEqualKeys(t, key, pkcs8)

			// publicKeyPem
			block, _ := pem.Decode([]byte(enc.PublicKeyPem))
			if block == nil || block.Type != "PUBLIC KEY" {
				t.Fatalf("publicKeyPem is not a PUBLIC KEY PEM: %q", enc.PublicKeyPem)
			}
			pub, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
				t.Error("publicKeyPem is not the key's public key")
			}
			if len(enc.ID) != 40 {
				t.Errorf("id = %q, want 40 hex digits", enc.ID)
			}

			switch k := key.(type) {
			case *rsa.PrivateKey:
				if k.N.BitLen() != tt.wantBits {
					t.Errorf("RSA key has %d bits, want %d", k.N.BitLen(), tt.wantBits)
				}
			case *ecdsa.PrivateKey:
				if k.Curve.Params().Name != tt.wantCurve {
					t.Errorf("curve = %s, want %s", k.Curve.Params().Name, tt.wantCurve)
				}
			}

			if !tt.wantSSH {
				if enc.PrivateKeyOpenssh != "" || enc.PublicKeyOpenssh != "" ||
					enc.PublicKeyFingerprintMd5 != "" || enc.PublicKeyFingerprintSha256 != "" {
					t.Errorf("OpenSSH forms set for a key SSH does not support: %+v", enc)
				}
				return
			}
			raw, err := ssh.ParseRawPrivateKey([]byte(enc.PrivateKeyOpenssh))
			if err != nil {
				t.Fatalf("parsing privateKeyOpenssh: %v", err)
			}
			if ed, ok := raw.(*ed25519.PrivateKey); ok {
				raw = *ed
			}
			mustEqualKeys(t, key, raw.(crypto.Signer))
			if !strings.HasPrefix(enc.PrivateKeyOpenssh, "-----BEGIN OPENSSH PRIVATE KEY-----") {
				t.Errorf("privateKeyOpenssh is not an OpenSSH key")
			}

			authorized, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(enc.PublicKeyOpenssh))
			if err != nil {
				t.Fatalf("parsing publicKeyOpenssh: %v", err)
			}
			if len(rest) != 0 || !strings.HasSuffix(enc.PublicKeyOpenssh, "\n") {
				t.Errorf("publicKeyOpenssh = %q, want one line ending in a newline", enc.PublicKeyOpenssh)
			}
			if authorized.Type() != tt.sshKeyType {
				t.Errorf("ssh key type = %s, want %s", authorized.Type(), tt.sshKeyType)
			}
			if got := ssh.FingerprintSHA256(authorized); got != enc.PublicKeyFingerprintSha256 ||
				!strings.HasPrefix(got, "SHA256:") {
				t.Errorf("sha256 fingerprint = %q, want %q", enc.PublicKeyFingerprintSha256, got)
			}
			if got := ssh.FingerprintLegacyMD5(authorized); got != enc.PublicKeyFingerprintMd5 ||
				strings.Count(got, ":") != 15 {
				t.Errorf("md5 fingerprint = %q, want %q", enc.PublicKeyFingerprintMd5, got)
			}
		})
	}
}

func TestKeysDiffer(t *testing.T) {
	a, err := Generate(ED25519, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(ED25519, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	ea, _ := Encode(a)
	eb, _ := Encode(b)
	if ea.ID == eb.ID || ea.PrivateKeyPem == eb.PrivateKeyPem {
		t.Error("two generated keys are equal")
	}
}

func TestGenerateRejects(t *testing.T) {
	tests := []struct {
		name  string
		alg   Algorithm
		bits  int
		curve string
		want  string
	}{
		{"unknown algorithm", "DSA", 2048, "P224", "unsupported algorithm"},
		{"lower-case algorithm", "rsa", 2048, "P224", "unsupported algorithm"},
		{"unknown curve", ECDSA, 2048, "P999", "unsupported ECDSA curve"},
		{"tiny rsa", RSA, 256, "P224", "256-bit RSA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(tt.alg, tt.bits, tt.curve)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParsePrivateKeyPEMRejects(t *testing.T) {
	const secretish = "c2VjcmV0LWJ5dGVzLXRoYXQtbXVzdC1ub3QtbGVhaw==" // secret-bytes-that-must-not-leak
	tests := []struct {
		name string
		text string
		want string
	}{
		{"not PEM", secretish, "no PEM block"},
		{"certificate", pemText("CERTIFICATE", secretish), `unsupported private key PEM type "CERTIFICATE"`},
		{"garbage PKCS#1", pemText("RSA PRIVATE KEY", secretish), "parsing the RSA PRIVATE KEY"},
		{"garbage PKCS#8", pemText("PRIVATE KEY", secretish), "parsing the PRIVATE KEY"},
		{"garbage SEC 1", pemText("EC PRIVATE KEY", secretish), "parsing the EC PRIVATE KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParsePrivateKeyPEM(tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secretish) || strings.Contains(err.Error(), "must-not-leak") {
				t.Errorf("error quotes the input: %v", err)
			}
		})
	}
}

func pemText(typ, body string) string {
	return "-----BEGIN " + typ + "-----\n" + body + "\n-----END " + typ + "-----\n"
}

func pemType(t *testing.T, text string) string {
	t.Helper()
	block, rest := pem.Decode([]byte(text))
	if block == nil {
		t.Fatalf("not PEM: %q", text)
	}
	if len(strings.TrimSpace(string(rest))) != 0 {
		t.Errorf("trailing data after the PEM block")
	}
	return block.Type
}

func mustEqualKeys(t *testing.T, want, got crypto.Signer) {
	t.Helper()
	type equaler interface{ Equal(crypto.PrivateKey) bool }
	if !want.(equaler).Equal(got) {
		t.Errorf("parsed key (%T) differs from the generated one (%T)", got, want)
	}
}
