/** A picture's size in pixels, read from its headers; a reader answers a string (what is wrong) instead. */
export interface ImageSize {
  width: number;
  height: number;
}
