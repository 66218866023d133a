import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PRINCIPAL, readRouteAccess, type Principal } from '@orderly/kernel';
import { httpProblem, ProblemException, type HttpProblemName } from '../http/problem-details.js';
import { Authenticator } from './authenticator.js';

interface HttpRequest {
  readonly headers: { readonly authorization?: string };
  [PRINCIPAL]?: Principal;
}
interface HttpResponse {
  setHeader(name: string, value: string): unknown;
}

/** RFC 6750 §3: the challenge a 401 or 403 carries. */
const REALM = 'Bearer realm="orderly"';

/**
 * The one identity check of the API, in front of every Nest route: a route declares @Public() or
 * @RequireScope(...) (kernel), and this guard enforces it. No token: 401. A token that is not
 * valid here: 401 with error="invalid_token". A valid token without any of the route's scopes:
 * 403 with error="insufficient_scope". Otherwise the verified principal is left on the request
 * for @CurrentPrincipal(). Which orders a principal may see is the use cases' business (their
 * queries are scoped to the subject), not this guard's.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Identity');

  constructor(private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = readRouteAccess(context.getHandler());
    // Refused at start-up already (checkAccessDeclared); kept so a route can never be open by omission.
    if (!access) throw new Error(`${context.getClass().name}.${context.getHandler().name} declares neither @Public() nor @RequireScope()`);
    if (access.public) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const needed = access.anyOfScopes.join(' or ');
    const authentication = await this.authenticator.authenticate(request);
    switch (authentication.kind) {
      case 'anonymous':
        response.setHeader('WWW-Authenticate', REALM);
        throw problem('unauthorized', `This operation needs an access token with scope ${needed}: send Authorization: Bearer <token>.`);
      case 'invalid':
        response.setHeader('WWW-Authenticate', `${REALM}, error="invalid_token", error_description="${authentication.reason}"`);
        throw problem('invalid-token', authentication.reason);
      case 'keys-unavailable':
        this.logger.warn(authentication.error.message);
        response.setHeader('Retry-After', '5');
        throw problem('identity-provider-unavailable', 'The access token could not be checked right now. Retry shortly.');
      case 'authenticated': {
        const { principal } = authentication;
        if (!access.anyOfScopes.some((scope) => principal.scopes.includes(scope))) {
          response.setHeader('WWW-Authenticate', `${REALM}, error="insufficient_scope", scope="${access.anyOfScopes.join(' ')}"`);
          throw problem('insufficient-scope', `This operation needs an access token with scope ${needed}.`);
        }
        request[PRINCIPAL] = principal;
        return true;
      }
    }
  }
}

function problem(name: HttpProblemName, detail: string): ProblemException {
  return new ProblemException(httpProblem(name, detail));
}
