import { maxHeaderSize, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { httpProblem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details.js';

/**
 * Node's HTTP parser refuses some requests before Express ever sees them - a URL and headers over
 * the header limit, bytes that are not HTTP, a request not sent in time - and by default answers
 * with a bare status line. Answer those as problem+json too, then close the connection (the
 * parser cannot continue on it).
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A response already on its way on this connection cannot be followed by another one.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(problemFor(error)));
  });
}

function problemFor(error: NodeJS.ErrnoException): ProblemDetails {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return httpProblem('headers-too-large', `The URL and headers together exceed ${maxHeaderSize} bytes; shorten the URL or the headers.`);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return httpProblem('request-timeout', 'The request was not sent completely in time.');
    default:
      return httpProblem('malformed-request', 'The request is not valid HTTP/1.1.');
  }
}

function rawResponse(problem: ProblemDetails): string {
  const body = JSON.stringify(problem);
  return [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
