import { RefreshToken } from '../modules/auth/refresh-token.entity.ts';
import { Destination } from '../modules/destination/destination.entity.ts';
import { MediaAsset } from '../modules/media/media-asset.entity.ts';
import { StreamSession, StreamSessionDestination, StreamStatsSample } from '../modules/stream/stream-session.entity.ts';
import { User } from '../modules/user/user.entity.ts';

/** Every entity the ORM knows; migrations create exactly these tables. */
export const entities = [User, RefreshToken, Destination, StreamSession, StreamSessionDestination, StreamStatsSample, MediaAsset];
