// Package keys generates private keys, reads them from PEM, and encodes them and
// their public halves in the forms tls:index/privateKey:PrivateKey outputs.
// It knows nothing of Pulumi.
package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Algorithm names a key algorithm as the tls provider spells it.
type Algorithm string

// The key algorithms.
const (
	RSA     Algorithm = "RSA"
	ECDSA   Algorithm = "ECDSA"
	ED25519 Algorithm = "ED25519"
)

// Algorithms are the accepted values of `algorithm`.
var Algorithms = []string{string(RSA), string(ECDSA), string(ED25519)}

// curves maps the accepted values of `ecdsaCurve` to their curves.
var curves = map[string]elliptic.Curve{
	"P224": elliptic.P224(),
	"P256": elliptic.P256(),
	"P384": elliptic.P384(),
	"P521": elliptic.P521(),
}

// Curves are the accepted values of `ecdsaCurve`, in order.
var Curves = []string{"P224", "P256", "P384", "P521"}

// Defaults of the PrivateKey inputs (upstream's).
const (
	DefaultRSABits = 2048
	DefaultCurve   = "P224"
)

// Generate makes a new private key. rsaBits is used for RSA only, curve for
// ECDSA only.
func Generate(alg Algorithm, rsaBits int, curve string) (crypto.Signer, error) {
	switch alg {
	case RSA:
		key, err := rsa.GenerateKey(rand.Reader, rsaBits)
		if err != nil {
			return nil, fmt.Errorf("generating a %d-bit RSA key: %w", rsaBits, err)
		}
		return key, nil
	case ECDSA:
		c, ok := curves[curve]
		if !ok {
			return nil, fmt.Errorf("unsupported ECDSA curve %q (supported: %s)", curve, strings.Join(Curves, ", "))
		}
		return ecdsa.GenerateKey(c, rand.Reader)
	case ED25519:
		_, key, err := ed25519.GenerateKey(rand.Reader)
		return key, err
	}
	return nil, fmt.Errorf("unsupported algorithm %q (supported: %s)", alg, strings.Join(Algorithms, ", "))
}

// AlgorithmOf names the algorithm of a private or public key.
func AlgorithmOf(key any) (Algorithm, error) {
	switch key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return RSA, nil
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return ECDSA, nil
	case ed25519.PrivateKey, ed25519.PublicKey:
		return ED25519, nil
	}
	return "", fmt.Errorf("unsupported key type %T", key)
}

// Encoded are the textual forms of a private key and its public key.
type Encoded struct {
	// PrivateKeyPem is PKCS#1 ("RSA PRIVATE KEY") for RSA, SEC 1 ("EC PRIVATE
	// KEY") for ECDSA and PKCS#8 ("PRIVATE KEY") for ED25519, as upstream.
	PrivateKeyPem      string
	PrivateKeyPemPkcs8 string
	// The OpenSSH forms are empty for ECDSA P224, which SSH does not know.
	PrivateKeyOpenssh          string
	PublicKeyPem               string
	PublicKeyOpenssh           string // authorized_keys line, ending in a newline
	PublicKeyFingerprintMd5    string // aa:bb:...
	PublicKeyFingerprintSha256 string // SHA256:...
	// ID is the hex SHA-1 of the DER public key, as upstream.
	ID string
}

// Encode returns the textual forms of key.
func Encode(key crypto.Signer) (Encoded, error) {
	var out Encoded
	var block *pem.Block
	switch k := key.(type) {
	case *rsa.PrivateKey:
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return out, fmt.Errorf("encoding the ECDSA key: %w", err)
		}
		block = &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}
	case ed25519.PrivateKey:
		// No other PEM form exists for ED25519.
	default:
		return out, fmt.Errorf("unsupported key type %T", key)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return out, fmt.Errorf("encoding the key as PKCS#8: %w", err)
	}
	out.PrivateKeyPemPkcs8 = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	out.PrivateKeyPem = out.PrivateKeyPemPkcs8
	if block != nil {
		out.PrivateKeyPem = string(pem.EncodeToMemory(block))
	}

	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return out, fmt.Errorf("encoding the public key: %w", err)
	}
	out.PublicKeyPem = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	sum := sha1.Sum(pubDER)
	out.ID = hex.EncodeToString(sum[:])

	if !sshSupports(key) {
		return out, nil
	}
	sshBlock, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		return out, fmt.Errorf("encoding the key for OpenSSH: %w", err)
	}
	out.PrivateKeyOpenssh = string(pem.EncodeToMemory(sshBlock))
	sshPub, err := ssh.NewPublicKey(key.Public())
	if err != nil {
		return out, fmt.Errorf("encoding the public key for OpenSSH: %w", err)
	}
	out.PublicKeyOpenssh = string(ssh.MarshalAuthorizedKey(sshPub))
	out.PublicKeyFingerprintMd5 = ssh.FingerprintLegacyMD5(sshPub)
	out.PublicKeyFingerprintSha256 = ssh.FingerprintSHA256(sshPub)
	return out, nil
}

// sshSupports reports whether SSH has a form for key: all but ECDSA P224.
func sshSupports(key crypto.Signer) bool {
	if k, ok := key.(*ecdsa.PrivateKey); ok {
		return k.Curve != elliptic.P224()
	}
	return true
}

// ParsePrivateKeyPEM reads the first PEM block of text as a private key:
// PKCS#1 ("RSA PRIVATE KEY"), SEC 1 ("EC PRIVATE KEY") or PKCS#8 ("PRIVATE
// KEY"). Errors never quote the input.
func ParsePrivateKeyPEM(text string) (crypto.Signer, Algorithm, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, "", errors.New("no PEM block found in the private key")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, "", fmt.Errorf("unsupported private key PEM type %q "+
			`(supported: "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY")`, block.Type)
	}
	if err != nil {
		return nil, "", fmt.Errorf("parsing the %s: %w", block.Type, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, "", fmt.Errorf("unsupported private key type %T", key)
	}
	alg, err := AlgorithmOf(signer)
	if err != nil {
		return nil, "", err
	}
	return signer, alg, nil
}
