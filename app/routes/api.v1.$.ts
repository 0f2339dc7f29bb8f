// Anything else under /api/v1: a JSON 404, not the portal's HTML error page.
import { apiError } from '~/api/respond.server';

const notFound = () => apiError(404, 'not_found', 'No such API endpoint; see /api/v1/openapi.json.');

export const loader = notFound;
export const action = notFound;
