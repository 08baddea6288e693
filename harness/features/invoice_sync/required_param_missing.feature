@article:required-param-missing
Feature: An invoice with no line items cannot be created in QuickBooks
  QuickBooks rejects an invoice without lines (Required param missing). The card says so, nothing is
  created, and there is no automatic retry: the fix is to revert to Draft, add a line and finalize again.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario: Add a line item and finalize again
    Given a draft invoice for "Jo Citizen" with no lines
    When I finalize the invoice
    Then the QuickBooks status card shows "Create failed: Required param missing"
    And the status card does not offer Retry
    And QuickBooks received exactly 1 invoice create
    And Caspen did not retry automatically
    And QuickBooks has no invoice for it
    When I revert the invoice to draft
    And I add a line "Call-out fee" of 1 × $95.00 with GST
    And I finalize the invoice
    Then the QuickBooks status card shows "Synced"
    And QuickBooks has the invoice with a total of $104.50

  Scenario: Delete the empty invoice instead
    Given a draft invoice for "Jo Citizen" with no lines
    When I finalize the invoice
    Then the QuickBooks status card shows "Create failed: Required param missing"
    When I revert the invoice to draft
    And I delete the invoice
    Then QuickBooks has no invoice for it
    And no request reached QuickBooks for the invoice
