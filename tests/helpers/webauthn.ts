import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A software WebAuthn authenticator for integration tests: a P-256 key pair, 'none'
 * attestation, and every field a test may want to falsify (origin, RP ID, challenge,
 * counter, flags) as an option, so the server's checks can be exercised one by one.
 */

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** Authenticator data flags (WebAuthn §6.1). */
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/** ECDSA raw r||s (WebCrypto) to the ASN.1 DER form WebAuthn signatures use. */
function derSignature(raw: Uint8Array): Buffer {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    let body = Buffer.from(bytes.subarray(start));
    if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const seq = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, seq.length]), seq]);
}

export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  challenge?: string;
  type?: string;
  /** Signature counter to report; by default the authenticator's own, incremented. */
  counter?: number;
  userVerified?: boolean;
}

export interface CreationOptionsLike {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}

export interface RequestOptionsLike {
  challenge: string;
  rpId?: string;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  counter = 0;
  userHandle: string | undefined;

  private constructor(
    private readonly keys: webcrypto.CryptoKeyPair,
    private readonly origin: string,
  ) {}

  /** A new authenticator answering for `origin` (the site's APP_ORIGIN). */
  static async create(origin: string): Promise<SoftAuthenticator> {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    return new SoftAuthenticator(keys, origin);
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  private async coseKey(): Promise<Uint8Array> {
    const jwk = await webcrypto.subtle.exportKey('jwk', this.keys.publicKey);
    const cose = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y ?? '', 'base64url'))],
    ]);
    return isoCBOR.encode(cose);
  }

  private clientData(type: string, challenge: string, o: CeremonyOverrides): Buffer {
    return Buffer.from(
      JSON.stringify({
        type: o.type ?? type,
        challenge: o.challenge ?? challenge,
        origin: o.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
  }

  private nextCounter(o: CeremonyOverrides): number {
    if (o.counter !== undefined) return o.counter;
    this.counter += 1;
    return this.counter;
  }

  /** navigator.credentials.create(): a RegistrationResponseJSON with 'none' attestation. */
  async register(options: CreationOptionsLike, o: CeremonyOverrides = {}) {
    const rpId = o.rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    this.userHandle = options.user.id;
    const flags = UP | AT | (o.userVerified === false ? 0 : UV);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([flags]),
      u32(this.nextCounter(o)),
      Buffer.alloc(16), // AAGUID: zeros, as software and 'none' attestation report
      idLength,
      this.credentialId,
      await this.coseKey(),
    ]);
    const attestation = new Map<string, string | Map<string, string> | Uint8Array>();
    attestation.set('fmt', 'none');
    attestation.set('attStmt', new Map<string, string>());
    attestation.set('authData', new Uint8Array(authData));
    const attestationObject = isoCBOR.encode(attestation);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, o)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get(): an AuthenticationResponseJSON signed with the private key. */
  async authenticate(options: RequestOptionsLike, o: CeremonyOverrides = {}) {
    const rpId = o.rpId ?? options.rpId ?? new URL(this.origin).hostname;
    const flags = UP | (o.userVerified === false ? 0 : UV);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([flags]), u32(this.nextCounter(o))]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, o);
    const raw = await webcrypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      this.keys.privateKey,
      Buffer.concat([authData, sha256(clientDataJSON)]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(derSignature(new Uint8Array(raw))),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
    };
  }
}
