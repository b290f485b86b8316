import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors';

/**
 * Refuses a body above `maxSize` bytes with the 413 problem: by its Content-Length when it
 * has one, else by counting the stream as it arrives, so nothing oversized is buffered.
 */
export function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxSize} bytes.`);
    },
  });
}
