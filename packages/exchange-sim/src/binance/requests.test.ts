import { describe, expect, it } from 'vitest';
import { handleRequest, type RequestState } from './requests.js';

const state: RequestState = { streams: ['btcusdt@trade'], combined: false, maxStreams: 3 };
const answer = (request: unknown, s = state) => handleRequest(typeof request === 'string' ? request : JSON.stringify(request), s);

describe('live control requests', () => {
  it('answers the documented SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS examples', () => {
    const sub = answer({ method: 'SUBSCRIBE', params: ['ethusdt@trade', 'btcusdt@trade'], id: 1 });
    expect(sub.response).toBe('{"result":null,"id":1}');
    expect(sub.streams).toEqual(['btcusdt@trade', 'ethusdt@trade']);
    const unsub = answer({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 2 });
    expect(unsub.response).toBe('{"result":null,"id":2}');
    expect(unsub.streams).toEqual([]);
    expect(answer({ method: 'LIST_SUBSCRIPTIONS', id: 3 }).response).toBe('{"result":["btcusdt@trade"],"id":3}');
  });

  it('accepts integer, alphanumeric (up to 36) and null ids, and nothing else', () => {
    expect(answer({ method: 'LIST_SUBSCRIPTIONS', id: -9007199254740991 }).response).toContain('"id":-9007199254740991');
    expect(answer({ method: 'LIST_SUBSCRIPTIONS', id: 'abc123' }).response).toBe('{"result":["btcusdt@trade"],"id":"abc123"}');
    expect(answer({ method: 'LIST_SUBSCRIPTIONS', id: null }).response).toBe('{"result":["btcusdt@trade"],"id":null}');
    for (const id of [1.5, 'a'.repeat(37), 'has space', true, { x: 1 }]) {
      const bad = JSON.parse(answer({ method: 'LIST_SUBSCRIPTIONS', id }).response) as { code: number; msg: string; id?: unknown };
      expect(bad.code).toBe(2);
      expect(bad.msg).toMatch(/^Invalid request: /);
      expect(bad).not.toHaveProperty('id');
    }
    expect(JSON.parse(answer({ method: 'LIST_SUBSCRIPTIONS' }).response)).toMatchObject({ code: 2 });
  });

  it('uses the documented error codes: 0 unknown property, 1 invalid value type, 2 invalid request, 3 invalid JSON', () => {
    expect(answer('{"method":"SUBSCRIBE",').response).toMatch(/^\{"code":3,"msg":"Invalid JSON: .+"\}$/);
    expect(JSON.parse(answer({ method: 'SET_PROPERTY', params: ['verbose', true], id: 5 }).response)).toEqual({ code: 0, msg: 'Unknown property', id: 5 });
    expect(JSON.parse(answer({ method: 'SET_PROPERTY', params: ['combined', 'yes'], id: 6 }).response)).toEqual({
      code: 1,
      msg: 'Invalid value type: expected Boolean',
      id: 6,
    });
    expect(JSON.parse(answer({ method: 'SUBSCRIBE', params: 'btcusdt@trade', id: 7 }).response)).toMatchObject({ code: 1, id: 7 });
    expect(JSON.parse(answer({ method: 'PUBLISH', id: 8 }).response)).toMatchObject({ code: 2, id: 8 });
    expect(JSON.parse(answer({ params: [], id: 9 }).response)).toMatchObject({ code: 2, msg: 'Invalid request: missing field `method`', id: 9 });
    expect(JSON.parse(answer({ method: 'SUBSCRIBE', params: ['BTCUSDT@trade'], id: 10 }).response)).toMatchObject({ code: 2, id: 10 });
    expect(JSON.parse(answer({ method: 'SUBSCRIBE', params: ['btcusdt@kline_1m'], id: 11 }).response)).toMatchObject({ code: 2 });
    expect(JSON.parse(answer([1, 2]).response)).toMatchObject({ code: 2 });
  });

  it('refuses a subscription past the stream limit, changing nothing', () => {
    const outcome = answer({ method: 'SUBSCRIBE', params: ['a1@trade', 'a2@trade', 'a3@trade'], id: 12 });
    expect(JSON.parse(outcome.response)).toMatchObject({ code: 2, id: 12 });
    expect(JSON.parse(outcome.response).msg).toMatch(/too many streams/);
    expect(outcome.streams).toBeUndefined();
  });

  it('sets and reads the combined property', () => {
    const set = answer({ method: 'SET_PROPERTY', params: ['combined', true], id: 1 });
    expect(set).toEqual({ response: '{"result":null,"id":1}', combined: true });
    expect(answer({ method: 'GET_PROPERTY', params: ['combined'], id: 2 }, { ...state, combined: true }).response).toBe('{"result":true,"id":2}');
  });
});
