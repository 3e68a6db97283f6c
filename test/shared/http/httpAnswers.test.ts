import assert from 'node:assert/strict';
import { test } from 'node:test';
import { badRequest, internalError, notFound, unavailable } from '../../../shared/http/httpAnswers';

test('badRequest: 400 with the message and the parameter, printable ASCII only', () => {
  const required = 'query parameter "site" is required';
  assert.deepEqual(badRequest({ error: required, parameter: 'site' }), {
    status: 400,
    jsonBody: { error: required, parameter: 'site' },
  });
  const long = 'the query string is 3000 characters long; at most 2048';
  assert.deepEqual(badRequest({ error: long }), { status: 400, jsonBody: { error: long } });
  assert.deepEqual(badRequest({ error: 'bad \u202e\r\n', parameter: 'x\u0000' }).jsonBody, {
    error: 'bad \\u202e\\u000d\\u000a',
    parameter: 'x\\u0000',
  });
});

test('unavailable: 503 naming what does not answer, with Retry-After (30 s unless told)', () => {
  assert.deepEqual(unavailable('Blob Storage'), {
    status: 503,
    jsonBody: { error: 'Blob Storage is unavailable; try again shortly' },
    headers: { 'retry-after': '30' },
  });
  assert.deepEqual(unavailable('the forecast store', 5).headers, { 'retry-after': '5' });
});

test('notFound and internalError: their status and a plain { error }', () => {
  assert.deepEqual(notFound('no forecast for site "park-1" yet'), {
    status: 404,
    jsonBody: { error: 'no forecast for site "park-1" yet' },
  });
  assert.deepEqual(internalError('reading the forecast'), {
    status: 500,
    jsonBody: { error: 'internal error while reading the forecast' },
  });
});
