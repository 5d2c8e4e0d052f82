/**
 * OpenAPI 3 description of the inventory service, served at /openapi.json and
 * rendered by the interactive docs at /docs.
 */
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPError' } } },
});

const validationError = {
  description: 'Validation Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } },
};

const productIdParameter = {
  name: 'product_id',
  in: 'path',
  required: true,
  schema: { type: 'integer', title: 'Product Id' },
  example: 3,
};

const productResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Product' } } },
});

export const openApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'Inventory Service',
    version: '1.0.0',
    description: 'Product catalogue and stock of the order system.',
  },
  // Relative: "Try it out" calls whichever address served this document.
  servers: [{ url: '/' }],
  tags: [{ name: 'products' }, { name: 'system' }],
  paths: {
    '/health': {
      get: {
        tags: ['system'],
        summary: 'Health check',
        operationId: 'health',
        responses: {
          '200': {
            description: 'The service is up',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } },
          },
        },
      },
    },
    '/api/products': {
      get: {
        tags: ['products'],
        summary: 'List products',
        operationId: 'listProducts',
        responses: {
          '200': {
            description: 'Every product, by id',
            content: {
              'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Product' } } },
            },
          },
        },
      },
    },
    '/api/products/{product_id}': {
      get: {
        tags: ['products'],
        summary: 'Get a product',
        operationId: 'getProduct',
        parameters: [productIdParameter],
        responses: {
          '200': productResponse('The product'),
          '404': errorResponse('Product not found'),
          '422': validationError,
        },
      },
      patch: {
        tags: ['products'],
        summary: 'Update a product',
        description: 'Changes only the fields that are given.',
        operationId: 'updateProduct',
        parameters: [productIdParameter],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ProductUpdate' },
              example: { price: 54.99 },
            },
          },
        },
        responses: {
          '200': productResponse('The updated product'),
          '404': errorResponse('Product not found'),
          '422': validationError,
        },
      },
    },
    '/api/products/{product_id}/reserve': {
      post: {
        tags: ['products'],
        summary: 'Reserve stock',
        description: 'Takes `quantity` units out of stock, or nothing at all when there is not enough.',
        operationId: 'reserveStock',
        parameters: [productIdParameter],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ReserveRequest' },
              example: { quantity: 1 },
            },
          },
        },
        responses: {
          '200': {
            description: 'Stock reserved',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Reservation' } } },
          },
          '400': errorResponse('Insufficient stock'),
          '404': errorResponse('Product not found'),
          '422': validationError,
        },
      },
    },
  },
  components: {
    schemas: {
      Product: {
        type: 'object',
        required: ['id', 'name', 'description', 'price', 'stock', 'category'],
        properties: {
          id: { type: 'integer', example: 3 },
          name: { type: 'string', example: 'USB-C Hub' },
          description: { type: 'string' },
          price: { type: 'number', description: 'Unit price in dollars', example: 49.99 },
          stock: { type: 'integer', description: 'Units in stock', example: 40 },
          category: { type: 'string', nullable: true, example: 'Accessories' },
        },
      },
      ProductUpdate: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          description: { type: 'string', maxLength: 2000 },
          price: { type: 'number', exclusiveMinimum: true, minimum: 0 },
          stock: { type: 'integer', minimum: 0 },
        },
      },
      ReserveRequest: {
        type: 'object',
        required: ['quantity'],
        properties: { quantity: { type: 'integer', minimum: 1, example: 1 } },
      },
      Reservation: {
        type: 'object',
        required: ['product_id', 'quantity', 'remaining_stock'],
        properties: {
          product_id: { type: 'integer', example: 3 },
          quantity: { type: 'integer', example: 1 },
          remaining_stock: { type: 'integer', example: 39 },
        },
      },
      Health: {
        type: 'object',
        properties: { status: { type: 'string', example: 'healthy' }, service: { type: 'string', example: 'inventory' } },
      },
      HTTPError: {
        type: 'object',
        required: ['detail'],
        properties: { detail: { type: 'string' } },
      },
      ValidationError: {
        type: 'object',
        required: ['type', 'loc', 'msg'],
        properties: {
          type: { type: 'string' },
          loc: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
          msg: { type: 'string' },
          input: {},
        },
      },
      HTTPValidationError: {
        type: 'object',
        properties: { detail: { type: 'array', items: { $ref: '#/components/schemas/ValidationError' } } },
      },
    },
  },
};
