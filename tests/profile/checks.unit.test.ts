import { describe, expect, it } from 'vitest';
import { publicMetadata, shortDevice } from '../../functions/profile/activity';
import { checkAvatar, isCompleteImage, sniffImageType } from '../../functions/profile/avatar';
import { jpeg, png } from '../helpers/profile';

const gif = (width: number, height: number) =>
  Buffer.concat([
    Buffer.from('GIF89a', 'ascii'),
    Buffer.from([width & 0xff, width >> 8, height & 0xff, height >> 8, 0x00, 0x00, 0x00]),
    Buffer.from([0x2c, 0, 0, 0, 0, width & 0xff, width >> 8, height & 0xff, height >> 8, 0x00]),
    Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]),
  ]);

describe('avatar checks', () => {
  it('sniffs the four accepted types from their magic bytes', () => {
    expect(sniffImageType(png(16, 16))).toBe('image/png');
    expect(sniffImageType(jpeg(16, 16))).toBe('image/jpeg');
    expect(sniffImageType(gif(16, 16))).toBe('image/gif');
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
    expect(sniffImageType(webp)).toBe('image/webp');
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });

  it('knows a whole file from a truncated one', () => {
    const image = png(16, 16);
    expect(isCompleteImage('image/png', image)).toBe(true);
    expect(isCompleteImage('image/png', image.subarray(0, image.length - 1))).toBe(false);
    expect(isCompleteImage('image/jpeg', jpeg(16, 16))).toBe(true);
    expect(isCompleteImage('image/jpeg', jpeg(16, 16).subarray(0, 20))).toBe(false);
    expect(isCompleteImage('image/gif', gif(16, 16))).toBe(true);
    expect(isCompleteImage('image/gif', gif(16, 16).subarray(0, 20))).toBe(false);
  });

  it('reads the size and enforces the bounds', () => {
    expect(checkAvatar('image/gif', gif(20, 30))).toEqual({
      type: 'image/gif',
      width: 20,
      height: 30,
    });
    expect(checkAvatar('image/png; charset=binary', png(4096, 16))).toMatchObject({ width: 4096 });
    expect(() => checkAvatar('image/png', png(15, 200))).toThrow(/at least 16×16/);
    expect(() => checkAvatar('image/gif', gif(16, 5000))).toThrow(/at most 4096×4096/);
    expect(() => checkAvatar('image/gif', png(16, 16))).toThrow(/PNG image but was sent as/);
  });
});

describe('activity helpers', () => {
  it('names devices briefly', () => {
    expect(
      shortDevice(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome on Windows');
    expect(
      shortDevice(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(
      shortDevice(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 Edg/140.0',
      ),
    ).toBe('Edge on macOS');
    expect(shortDevice('curl/8.5.0')).toBe('curl');
    expect(shortDevice(null)).toBeNull();
  });

  it('drops secret-looking and non-scalar metadata', () => {
    expect(
      publicMetadata({
        provider: 'openai',
        ok: false,
        count: 3,
        apiKey: 'sk-x',
        api_key: 'sk-y',
        tokenHash: 'h',
        recoveryCode: 'c',
        nested: { a: 1 },
        long: 'x'.repeat(500),
      }),
    ).toEqual({ provider: 'openai', ok: false, count: 3, long: 'x'.repeat(200) });
  });
});
